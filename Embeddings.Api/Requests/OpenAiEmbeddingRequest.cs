using System.Text.Json.Serialization;

namespace Embeddings.Api.Requests;

/// <summary>Body of the OpenAI-compatible <c>POST /v1/embeddings</c>.</summary>
public sealed record OpenAiEmbeddingRequest
{
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    [JsonPropertyName("input")]
    [JsonConverter(typeof(StringOrArrayConverter))]
    public IReadOnlyList<string>? Input { get; init; }

    /// <summary>"float" (the default) or "base64" (little-endian float32, as OpenAI sends it).</summary>
    [JsonPropertyName("encoding_format")]
    public string? EncodingFormat { get; init; }

    [JsonPropertyName("dimensions")]
    public int? Dimensions { get; init; }

    /// <summary>OpenAI's end-user id; accepted for compatibility and otherwise ignored.</summary>
    [JsonPropertyName("user")]
    public string? User { get; init; }
}

public sealed record OpenAiEmbeddingResponse(
    [property: JsonPropertyName("data")] IReadOnlyList<OpenAiEmbedding> Data,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("usage")] OpenAiUsage Usage)
{
    [JsonPropertyName("object")]
    public string Object => "list";
}

/// <summary>One vector: <see cref="Embedding"/> is a float array, or a base64 string when asked for.</summary>
public sealed record OpenAiEmbedding(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("embedding")] object Embedding)
{
    [JsonPropertyName("object")]
    public string Object => "embedding";
}

public sealed record OpenAiUsage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens);
