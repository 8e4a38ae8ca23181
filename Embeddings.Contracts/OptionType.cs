using System.Globalization;
using System.Text.Json;

namespace Embeddings.Contracts;

/// <summary>The kinds of value a batching option holds.</summary>
public enum OptionKind
{
    /// <summary>An <see cref="int"/>.</summary>
    Integer,

    /// <summary>A <see cref="double"/>.</summary>
    Real,

    /// <summary>A <see cref="bool"/>.</summary>
    Flag,
}

/// <summary>
/// The values one option takes: its kind, its range (numbers), and whether null is one of them (an option that can be
/// off). Everything that depends on the kind alone lives here (the range rule, the PUT body's JSON, the invariant text
/// Redis holds), so an option of a known kind needs no code of its own anywhere.
/// </summary>
/// <param name="Min">The least value allowed (numbers only).</param>
/// <param name="Max">The greatest value allowed (numbers only).</param>
public sealed record OptionType(OptionKind Kind, bool Nullable, double? Min = null, double? Max = null)
{
    /// <summary>The .NET type of a value (not null).</summary>
    public Type ValueType => Kind switch
    {
        OptionKind.Integer => typeof(int),
        OptionKind.Real => typeof(double),
        _ => typeof(bool),
    };

    /// <summary>What a value must be, in words: "a whole number", "a number", "true or false" (", or null" when nullable).</summary>
    public string Expected => (Kind switch
    {
        OptionKind.Integer => "a whole number",
        OptionKind.Real => "a number",
        _ => "true or false",
    }) + (Nullable ? ", or null" : "");

    /// <summary>Whether <paramref name="value"/> is one of this type's values, in or out of range.</summary>
    public bool Accepts(object? value) => value is null ? Nullable : value.GetType() == ValueType;

    /// <summary>The range rule: why <paramref name="value"/> breaks it (the message starts with <paramref name="name"/>),
    /// or null when it holds. Null and flags always hold; NaN and the infinities never do.</summary>
    public string? Check(string name, object? value)
    {
        var number = value switch
        {
            int whole => whole,
            double real => real,
            _ => (double?)null,
        };
        if (number is not { } x || (x >= Min && x <= Max)) // false for NaN, so NaN is refused
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{name} must be between {Min} and {Max}{(Nullable ? " or null (off)" : "")} (was {Text(value)}).");
    }

    /// <summary>A value as invariant text, as Redis holds it: round-trip for reals, <c>True</c>/<c>False</c>, empty for null.</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        double real => real.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Reads <see cref="Text"/>'s form back; false when <paramref name="text"/> is not one of this type's values.</summary>
    public bool TryParse(string text, out object? value)
    {
        value = null;
        if (Nullable && text.Length == 0)
        {
            return true;
        }

        switch (Kind)
        {
            case OptionKind.Integer when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole):
                value = whole;
                return true;
            case OptionKind.Real when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real):
                value = real;
                return true;
            case OptionKind.Flag when bool.TryParse(text, out var flag):
                value = flag;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Reads the JSON value the reader is on. A value of another JSON type (a number in a string, a number
    /// for a flag, an array) or out of the .NET type's reach (a fraction or 1e99 for a whole number, 1e999 for a real) is refused,
    /// naming <paramref name="name"/>.</summary>
    public object? Read(ref Utf8JsonReader reader, string name)
    {
        object? value = reader.TokenType switch
        {
            JsonTokenType.Null when Nullable => null,
            JsonTokenType.Number when Kind == OptionKind.Integer && reader.TryGetInt32(out var whole) => whole,
            JsonTokenType.Number when Kind == OptionKind.Real && reader.TryGetDouble(out var real) && double.IsFinite(real) => real,
            JsonTokenType.True or JsonTokenType.False when Kind == OptionKind.Flag => reader.GetBoolean(),
            _ => throw new JsonException($"{name} must be {Expected} (was {Describe(ref reader)})."),
        };
        return value;
    }

    /// <summary>Writes a value as the PUT body and the answers carry it.</summary>
    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case int whole:
                writer.WriteNumberValue(whole);
                break;
            case double real:
                writer.WriteNumberValue(real);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            default:
                throw new ArgumentException($"A batching option holds an int, a double or a bool, not {value.GetType()}.", nameof(value));
        }
    }

    /// <summary>What was found instead, in words; the value itself only when it is a short number.</summary>
    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.ValueSpan.Length <= 32 => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.Number => "a number out of range",
        JsonTokenType.String => "a string",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        _ => reader.TokenType.ToString(),
    };
}
