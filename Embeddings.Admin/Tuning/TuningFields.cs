using Embeddings.Contracts;

namespace Embeddings.Admin.Tuning;

/// <summary>
/// What the tuning form holds: one value per option it shows (<see cref="Shown"/>), as a person is editing it, which
/// may be invalid or missing (an empty field, or text that is not a number, is null: never a silent 0; for an option
/// that can be off, null is off). The rules are <see cref="BatchingOptions.Validate"/>'s alone: each error is shown
/// beside the field it names, and the options that the form does not show keep their applied values.
/// </summary>
public sealed class TuningFields
{
    public const string NotANumber = "Enter a number.";

    private readonly Dictionary<BatchingOption, object?> _values;

    private TuningFields(Dictionary<BatchingOption, object?> values) => _values = values;

    /// <summary>The options the form shows, in the table's order.</summary>
    public static IReadOnlyList<BatchingOption> Shown { get; } = [.. BatchingOption.All.Where(option => option.InForm)];

    /// <summary>The value in an option's field; null when it is empty.</summary>
    public object? this[BatchingOption option]
    {
        get => _values[option];
        set => _values[option] = value is null || option.Type.Accepts(value)
            ? value
            : throw new ArgumentException($"{option.Name} takes {option.Type.Expected}.", nameof(value));
    }

    public static TuningFields From(BatchingOptions options) => new(Shown.ToDictionary(option => option, option => option.Get(options)));

    /// <summary>The options these fields would give on top of <paramref name="applied"/> (a missing value keeps the applied one).</summary>
    public BatchingOptions ApplyTo(BatchingOptions applied) => ChangesFrom(applied).ApplyTo(applied);

    /// <summary>Exactly the fields that differ from <paramref name="applied"/>; the rest, and missing ones, stay absent.</summary>
    public BatchingPatch ChangesFrom(BatchingOptions applied) =>
        _values.Where(field => !Missing(field.Key, field.Value) && !Equals(field.Value, field.Key.Get(applied)))
            .Aggregate(BatchingPatch.Empty, (patch, field) => patch.Set(field.Key, field.Value));

    /// <summary>Every reason these fields cannot be applied, under the name of the option it concerns (as the API and
    /// <see cref="BatchingOptions.Validate"/>'s messages name it): a missing number, then the rules it breaks. A rule
    /// that names no field is kept under the empty key. Empty: the fields can be applied.</summary>
    public ILookup<string, string> Errors(BatchingOptions applied)
    {
        var missing = Shown.Where(option => Missing(option, _values[option])).Select(option => (Field: option.Name, Error: NotANumber));
        var broken = ApplyTo(applied).Validate().Select(error => (Field: FieldOf(error), Error: error));
        return missing.Concat(broken).ToLookup(e => e.Field, e => e.Error);
    }

    /// <summary>When the applied options change under the form (applied here, elsewhere, or reset): a field the person
    /// has not touched follows the new value; an edited one keeps the edit, and a cleared one stays cleared.</summary>
    public void Rebase(BatchingOptions before, BatchingOptions after)
    {
        foreach (var option in Shown)
        {
            var value = _values[option];
            if (!Missing(option, value) && Equals(value, option.Get(before)))
            {
                _values[option] = option.Get(after);
            }
        }
    }

    /// <summary>An empty field of an option that cannot be off: nothing to apply, and an error to show.</summary>
    private static bool Missing(BatchingOption option, object? value) => value is null && !option.Type.Nullable;

    /// <summary>The field a <see cref="BatchingOptions.Validate"/> message is about: each starts with the option's name.</summary>
    private static string FieldOf(string error) =>
        BatchingOption.All.FirstOrDefault(option => error.StartsWith(option.Name + " ", StringComparison.Ordinal))?.Name ?? string.Empty;
}
