using System.Text.Json.Serialization;

namespace Embeddings.Contracts;

/// <summary>
/// Any subset of the batching options, set to values that may not be valid yet (<see cref="BatchingOptions.Validate"/>
/// judges what it gives). It is the body of <c>PUT /models/{model}/batching</c> (<see cref="BatchingPatchJsonConverter"/>)
/// and what Redis stores over the configured defaults. An option set to null (one that can be off) is set, not absent.
/// Immutable.
/// </summary>
[JsonConverter(typeof(BatchingPatchJsonConverter))]
public sealed class BatchingPatch : IEquatable<BatchingPatch>
{
    private readonly Dictionary<BatchingOption, object?> _values;

    private BatchingPatch(Dictionary<BatchingOption, object?> values) => _values = values;

    public static BatchingPatch Empty { get; } = new([]);

    public bool IsEmpty => _values.Count == 0;

    /// <summary>The options set, in the table's order.</summary>
    public IEnumerable<KeyValuePair<BatchingOption, object?>> Values =>
        BatchingOption.All.Where(_values.ContainsKey).Select(option => KeyValuePair.Create(option, _values[option]));

    /// <summary>The options of <paramref name="to"/> that differ from <paramref name="from"/>.</summary>
    public static BatchingPatch Between(BatchingOptions from, BatchingOptions to) =>
        new(BatchingOption.All.Where(option => !Equals(option.Get(from), option.Get(to))).ToDictionary(option => option, option => option.Get(to)));

    public bool TryGet(BatchingOption option, out object? value) => _values.TryGetValue(option, out value);

    /// <summary>This patch with <paramref name="option"/> set to <paramref name="value"/>, which must be of its type.</summary>
    public BatchingPatch Set(BatchingOption option, object? value)
    {
        if (!option.Type.Accepts(value))
        {
            throw new ArgumentException($"{option.Name} takes {option.Type.Expected}, not {value?.GetType().Name ?? "null"}.", nameof(value));
        }

        return new(new Dictionary<BatchingOption, object?>(_values) { [option] = value });
    }

    /// <summary>This patch with <paramref name="later"/>'s options laid over it.</summary>
    public BatchingPatch Then(BatchingPatch later)
    {
        var values = new Dictionary<BatchingOption, object?>(_values);
        foreach (var (option, value) in later._values)
        {
            values[option] = value;
        }

        return new(values);
    }

    /// <summary><paramref name="current"/> with this patch's options set.</summary>
    public BatchingOptions ApplyTo(BatchingOptions current) =>
        Values.Aggregate(current, (options, set) => set.Key.With(options, set.Value));

    public bool Equals(BatchingPatch? other) =>
        other is not null && other._values.Count == _values.Count
        && _values.All(set => other._values.TryGetValue(set.Key, out var value) && Equals(value, set.Value));

    public override bool Equals(object? obj) => Equals(obj as BatchingPatch);

    public override int GetHashCode() => _values.Aggregate(0, (hash, set) => hash ^ HashCode.Combine(set.Key, set.Value));

    /// <summary>The options set, as <c>name=value</c> (for logs and test failures).</summary>
    public override string ToString() => "{" + string.Join(", ", Values.Select(set => $"{set.Key.Name}={OptionType.Text(set.Value)}")) + "}";
}
