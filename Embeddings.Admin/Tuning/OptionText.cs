using System.Globalization;
using System.Text;
using Embeddings.Contracts;

namespace Embeddings.Admin.Tuning;

/// <summary>How the tuning form words an option: its field's test id, its help line, a value in the list of changes.</summary>
public static class OptionText
{
    /// <summary>The field's <c>data-testid</c>: the option's name in kebab case (<c>maxBatchSize</c>: <c>max-batch-size</c>),
    /// so it stays stable for as long as the option's name does.</summary>
    public static string TestId(BatchingOption option)
    {
        var id = new StringBuilder();
        foreach (var c in option.Name)
        {
            id.Append(char.IsUpper(c) ? $"-{char.ToLowerInvariant(c)}" : c);
        }

        return id.ToString();
    }

    /// <summary>The range (numbers), then the help: "1 to 4,096: a batch goes once this many inputs wait; none holds more".</summary>
    public static string Helper(BatchingOption option)
    {
        var type = option.Type;
        var range = type is { Min: { } min, Max: { } max } ? $"{Number(type, min)} to {Number(type, max)}{(type.Nullable ? ", or empty: off" : "")}: " : "";
        return range + option.Help;
    }

    /// <summary>A step for a real number's arrows: a twentieth of its range (0.05 for 0 to 1).</summary>
    public static double Step(BatchingOption option) =>
        option.Type is { Min: { } min, Max: { } max } && max > min ? (max - min) / 20 : 1;

    /// <summary>A value as the list of pending changes shows it.</summary>
    public static string Value(object? value) => value is null ? "off" : OptionType.Text(value);

    private static string Number(OptionType type, double value) =>
        value.ToString(type.Kind == OptionKind.Integer ? "N0" : "G", CultureInfo.InvariantCulture);
}
