using System.Text.Json;
using System.Text.Json.Serialization;

namespace Embeddings.Contracts;

/// <summary>
/// A <see cref="BatchingPatch"/> as JSON: an object whose members are options by their camelCase names
/// (<c>{"maxBatchSize": 16, "dispatchWhenIdle": true}</c>), any subset of them. Read strictly, because a typo must be
/// a 400 and not a silent no-op: an unknown member, a member twice, or a value of the wrong JSON type (a number in a
/// string, 1 for true, a fraction for a whole number) is a <see cref="JsonException"/> that names the member. Member
/// names match ignoring case when the serializer options say so (the web defaults do).
/// </summary>
public sealed class BatchingPatchJsonConverter : JsonConverter<BatchingPatch>
{
    public override BatchingPatch Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The batching options must be a JSON object, such as {\"maxBatchSize\": 16}.");
        }

        var patch = BatchingPatch.Empty;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            var option = BatchingOption.Find(name, options.PropertyNameCaseInsensitive)
                ?? throw new JsonException($"'{name}' is not a batching option; they are {string.Join(", ", BatchingOption.All)}.");
            if (patch.TryGet(option, out _))
            {
                throw new JsonException($"{option.Name} appears more than once.");
            }

            reader.Read();
            patch = patch.Set(option, option.Type.Read(ref reader, option.Name));
        }

        return patch;
    }

    public override void Write(Utf8JsonWriter writer, BatchingPatch value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (option, set) in value.Values)
        {
            writer.WritePropertyName(option.Name);
            OptionType.Write(writer, set);
        }

        writer.WriteEndObject();
    }
}
