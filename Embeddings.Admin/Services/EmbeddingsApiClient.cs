using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Embeddings.Admin.Services;

/// <summary>The admin's view of one model, as GET /models returns it.</summary>
public sealed record ModelSummary(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("dimensions")] int Dimensions,
    [property: JsonPropertyName("maxTokens")] int MaxTokens,
    [property: JsonPropertyName("pooling")] string Pooling,
    [property: JsonPropertyName("executionProvider")] string ExecutionProvider);

/// <summary>What the admin knows about the API's health.</summary>
public sealed record ApiHealth(bool Reachable, string Status);

/// <summary>Typed client for the Embeddings API.</summary>
public sealed class EmbeddingsApiClient(HttpClient http, ILogger<EmbeddingsApiClient> logger)
{
    public async Task<ApiHealth> GetHealthAsync(CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            return new ApiHealth(true, string.IsNullOrWhiteSpace(body) ? response.StatusCode.ToString() : body);
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning(ex, "The API at {BaseAddress} is unreachable", http.BaseAddress);
            return new ApiHealth(false, ex.Message);
        }
    }

    public async Task<IReadOnlyList<ModelSummary>> GetModelsAsync(CancellationToken ct) =>
        await http.GetFromJsonAsync<List<ModelSummary>>(new Uri("/models", UriKind.Relative), ct) ?? [];
}
