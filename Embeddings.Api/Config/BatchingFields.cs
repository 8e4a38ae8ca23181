using System.Globalization;
using Embeddings.Contracts;
using StackExchange.Redis;

namespace Embeddings.Api.Config;

/// <summary>A model's stored batching changes as Redis hash fields (one per option set, invariant culture), and back.
/// A field Redis holds that this version does not know, or cannot read, is left out.</summary>
public static class BatchingFields
{
    public const string Version = "version";
    public const string UpdatedAt = "updatedAt";
    public const string UpdatedBy = "updatedBy";

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

    public static BatchingPatch FromEntries(HashEntry[] entries)
    {
        var fields = entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
        int? Integer(string name) => fields.TryGetValue(name, out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
        double? Real(string name) => fields.TryGetValue(name, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;
        bool? Flag(string name) => fields.TryGetValue(name, out var v) && bool.TryParse(v, out var b) ? b : null;
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
