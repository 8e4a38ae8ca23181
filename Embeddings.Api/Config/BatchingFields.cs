using System.Globalization;
using Embeddings.Contracts;
using StackExchange.Redis;

namespace Embeddings.Api.Config;

/// <summary>A model's stored batching changes as Redis hash fields (one per option set, invariant culture), and back.
/// A field Redis holds that this version does not know is left out; one it cannot read is an error.</summary>
public static class BatchingFields
{
    public const string Version = "version";
    public const string UpdatedAt = "updatedAt";
    public const string UpdatedBy = "updatedBy";

    /// <summary>A random id given when the hash is first written: versions of one epoch are one history.</summary>
    public const string Epoch = "epoch";

    /// <summary>Present when the hash holds the whole config over the defaults (it was reset or written back whole),
    /// not only the changes made since Redis was last empty.</summary>
    public const string Whole = "whole";

    public static HashEntry[] ToEntries(BatchingPatch patch)
    {
        var entries = new List<HashEntry>();
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                entries.Add(new HashEntry(name, Convert.ToString(value, CultureInfo.InvariantCulture)));
            }
        }

        Add("maxBatchSize", patch.MaxBatchSize);
        Add("maxWaitMs", patch.MaxWaitMs);
        Add("maxBatchTokens", patch.MaxBatchTokens);
        Add("minPaddingEfficiency", patch.MinPaddingEfficiency?.ToString("R", CultureInfo.InvariantCulture));
        Add("maxQueueLength", patch.MaxQueueLength);
        Add("maxConcurrentBatches", patch.MaxConcurrentBatches);
        Add("dispatchWhenIdle", patch.DispatchWhenIdle);
        Add("sortByLength", patch.SortByLength);
        return [.. entries];
    }

    /// <summary>The stored options; <paramref name="errors"/> names every field whose value cannot be read.</summary>
    public static BatchingPatch FromEntries(HashEntry[] entries, List<string> errors)
    {
        var fields = entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
        T? Read<T>(string name, string kind, Func<string, (bool Ok, T Value)> parse) where T : struct
        {
            if (!fields.TryGetValue(name, out var text))
            {
                return null;
            }

            var (ok, value) = parse(text);
            if (!ok)
            {
                errors.Add($"{name} holds '{text}', which is not {kind}.");
                return null;
            }

            return value;
        }

        int? Integer(string name) => Read(name, "a whole number", v => (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n), n));
        double? Real(string name) => Read(name, "a number", v => (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n), n));
        bool? Flag(string name) => Read(name, "true or false", v => (bool.TryParse(v, out var b), b));
        return new BatchingPatch
        {
            MaxBatchSize = Integer("maxBatchSize"),
            MaxWaitMs = Integer("maxWaitMs"),
            MaxBatchTokens = Integer("maxBatchTokens"),
            MinPaddingEfficiency = Real("minPaddingEfficiency"),
            MaxQueueLength = Integer("maxQueueLength"),
            MaxConcurrentBatches = Integer("maxConcurrentBatches"),
            DispatchWhenIdle = Flag("dispatchWhenIdle"),
            SortByLength = Flag("sortByLength"),
        };
    }
}
