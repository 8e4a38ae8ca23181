using System.Text.Json;
using System.Text.Json.Serialization;

namespace Embeddings.Api.Requests;

/// <summary>Reads <c>"text"</c> or <c>["text", ...]</c>; anything else (numbers, nulls inside, nested arrays) is a JSON error.</summary>
public sealed class StringOrArrayConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return [reader.GetString()!];
            case JsonTokenType.StartArray:
                var items = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new JsonException($"Each input must be a string; found {Describe(reader.TokenType)} at item {items.Count}.");
                    }

                    items.Add(reader.GetString()!);
                }

                return items;
            default:
                throw new JsonException($"Input must be a string or an array of strings; found {Describe(reader.TokenType)}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.Number => "a number (token-id arrays are not supported; send text)",
        JsonTokenType.StartArray => "a nested array (token-id arrays are not supported; send text)",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
