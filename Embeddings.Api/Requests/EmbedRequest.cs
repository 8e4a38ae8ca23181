using System.Text.Json.Serialization;

namespace Embeddings.Api.Requests;

/// <summary>Body of <c>POST /embed/{model}</c>. <see cref="Inputs"/> takes one string or an array of strings.</summary>
public sealed record EmbedRequest
{
    [JsonPropertyName("inputs")]
    [JsonConverter(typeof(StringOrArrayConverter))]
    public IReadOnlyList<string>? Inputs { get; init; }

    [JsonPropertyName("normalize")]
    public bool? Normalize { get; init; }

    /// <summary>Cut inputs over the model's limit (default) rather than refuse them. A setter, not <c>init</c>: the JSON
    /// source generator sets init-only properties in the object initializer, which would turn an absent field into false.</summary>
    [JsonPropertyName("truncate")]
    public bool Truncate { get; set; } = true;

    /// <summary>The name of one of the model's prompts (for example "query"), or null for none.</summary>
    [JsonPropertyName("prompt")]
    public string? Prompt { get; init; }
}

/// <summary>Answer of <c>POST /embed/{model}</c>: one vector per input, in input order.</summary>
public sealed record EmbedResponse(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("dimensions")] int Dimensions,
    [property: JsonPropertyName("embeddings")] IReadOnlyList<float[]> Embeddings,
    [property: JsonPropertyName("usage")] EmbedUsage Usage);

public sealed record EmbedUsage([property: JsonPropertyName("tokens")] int Tokens);
