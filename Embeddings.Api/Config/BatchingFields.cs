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

    /// <summary>One field per option set, named as the option, its value as invariant text (<see cref="OptionType.Text"/>).</summary>
    public static HashEntry[] ToEntries(BatchingPatch patch) =>
        [.. patch.Values.Select(set => new HashEntry(set.Key.Name, OptionType.Text(set.Value)))];

    /// <summary>The stored options; <paramref name="errors"/> names every field whose value cannot be read.</summary>
    public static BatchingPatch FromEntries(HashEntry[] entries, List<string> errors)
    {
        var fields = entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
        var patch = BatchingPatch.Empty;
        foreach (var option in BatchingOption.All)
        {
            if (!fields.TryGetValue(option.Name, out var text))
            {
                continue;
            }

            if (option.Type.TryParse(text, out var value))
            {
                patch = patch.Set(option, value);
            }
            else
            {
                errors.Add($"{option.Name} holds '{text}', which is not {option.Type.Expected}.");
            }
        }

        return patch;
    }
}
