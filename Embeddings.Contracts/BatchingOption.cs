using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Embeddings.Contracts;

/// <summary>
/// One batching option, as <see cref="BatchingOptions"/> declares it, and <see cref="All"/> of them in declaration
/// order: the table that validation, the PUT body (<see cref="BatchingPatch"/>), the Redis fields, the OpenAPI schema
/// and the admin form are derived from.
/// <para>Read from the record's properties by reflection, once, so each option is written once, as a typed property
/// that the engine reads as such (<c>options.MaxBatchSize</c>). A property the table cannot describe (another type, a
/// number with no range, no label) fails the first use of the table, so every test that touches options finds it.</para>
/// </summary>
public sealed class BatchingOption
{
    private readonly PropertyInfo _property;

    private BatchingOption(PropertyInfo property)
    {
        _property = property;
        Name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
        var display = property.GetCustomAttribute<DisplayAttribute>()
            ?? throw Undescribable(property, "it has no [Display(Name = label, Description = help)]");
        Label = display.Name ?? throw Undescribable(property, "its [Display] has no Name (the label)");
        Help = display.Description ?? throw Undescribable(property, "its [Display] has no Description (the help text)");
        InForm = display.GetAutoGenerateField() ?? true;

        var underlying = System.Nullable.GetUnderlyingType(property.PropertyType);
        var kind = (underlying ?? property.PropertyType) switch
        {
            var t when t == typeof(int) => OptionKind.Integer,
            var t when t == typeof(double) => OptionKind.Real,
            var t when t == typeof(bool) => OptionKind.Flag,
            var t => throw Undescribable(property, $"{t} is not an int, a double or a bool"),
        };
        var range = property.GetCustomAttribute<RangeAttribute>();
        if (range is null && kind != OptionKind.Flag)
        {
            throw Undescribable(property, "a number needs its [Range(min, max)]");
        }

        Type = new OptionType(kind, underlying is not null, Bound(range?.Minimum), Bound(range?.Maximum));
    }

    /// <summary>Every option, in the order <see cref="BatchingOptions"/> declares them.</summary>
    public static IReadOnlyList<BatchingOption> All { get; } =
    [
        .. typeof(BatchingOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .OrderBy(property => property.MetadataToken) // declaration order: GetProperties promises no order
            .Select(property => new BatchingOption(property)),
    ];

    /// <summary>The camelCase name: the PUT body's member, the Redis hash field, the first word of its errors.</summary>
    public string Name { get; }

    /// <summary>The property's name (<c>MaxBatchSize</c>), as configuration binds it.</summary>
    public string PropertyName => _property.Name;

    public OptionType Type { get; }

    /// <summary>The admin form's label, e.g. "Max wait (ms)".</summary>
    public string Label { get; }

    /// <summary>A short help line for the admin form, after the range.</summary>
    public string Help { get; }

    /// <summary>Whether the admin form shows it (an option only for measurements does not).</summary>
    public bool InForm { get; }

    /// <summary>The value <c>new BatchingOptions()</c> has, before configuration.</summary>
    public object? Default => Get(new BatchingOptions());

    /// <summary>The option named <paramref name="name"/>, or null.</summary>
    public static BatchingOption? Find(string name, bool ignoreCase = false) =>
        All.FirstOrDefault(option => string.Equals(option.Name, name, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));

    /// <summary>The option of a property, by its C# name: <c>BatchingOption.Of(nameof(BatchingOptions.MaxWaitMs))</c>.</summary>
    public static BatchingOption Of(string propertyName) =>
        All.FirstOrDefault(option => option.PropertyName == propertyName)
        ?? throw new ArgumentException($"BatchingOptions has no option {propertyName}.", nameof(propertyName));

    public object? Get(BatchingOptions options) => _property.GetValue(options);

    /// <summary>A copy of <paramref name="options"/> with this option set to <paramref name="value"/> (valid or not).</summary>
    public BatchingOptions With(BatchingOptions options, object? value)
    {
        if (!Type.Accepts(value))
        {
            throw new ArgumentException($"{Name} takes {Type.Expected}, not {value?.GetType().Name ?? "null"}.", nameof(value));
        }

        var copy = options with { };
        _property.SetValue(copy, value); // the init accessor, on a fresh copy that nothing else has seen yet
        return copy;
    }

    /// <summary>This option's rule on <paramref name="options"/>: why it is broken, or null.</summary>
    public string? Check(BatchingOptions options) => Type.Check(Name, Get(options));

    public override string ToString() => Name;

    private static double? Bound(object? bound) => bound is null ? null : Convert.ToDouble(bound, CultureInfo.InvariantCulture);

    private static InvalidOperationException Undescribable(PropertyInfo property, string why) =>
        new($"BatchingOptions.{property.Name} cannot be a batching option: {why}.");
}
