using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Embeddings.Admin.Auth;
using Embeddings.Contracts;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace Embeddings.Admin.Api;

/// <summary>
/// The admin's one way to the API (service discovery: <c>https+http://api</c>). Reads are anonymous; changes carry the
/// admin key as a bearer token, from this server's configuration. Every failure comes out as an <see cref="ApiException"/>
/// that says what went wrong; only the caller's own cancellation comes out as cancellation.
/// </summary>
public sealed class EmbeddingsApiClient(HttpClient http, IOptionsMonitor<AdminKeyOptions> keys)
{
    public const string UpdatedByHeader = "x-updated-by";

    /// <summary>The API's health text (Healthy, Degraded or Unhealthy); an unhealthy API still answers this.</summary>
    public Task<string> GetHealthAsync(CancellationToken ct) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, "/health"), async (response, token) =>
        {
            var body = (await response.Content.ReadAsStringAsync(token)).Trim();
            return body.Length > 0 ? body : response.StatusCode.ToString();
        }, acceptAnyStatus: true, ct);

    public Task<IReadOnlyList<ModelInfo>> GetModelsAsync(CancellationToken ct) =>
        GetAsync("/models", AdminJsonContext.Default.IReadOnlyListModelInfo, ct);

    public Task<ModelInfo> GetModelAsync(string model, CancellationToken ct) =>
        GetAsync($"/models/{Uri.EscapeDataString(model)}", AdminJsonContext.Default.ModelInfo, ct);

    public Task<ClusterStats> GetStatsAsync(CancellationToken ct) =>
        GetAsync("/stats", AdminJsonContext.Default.ClusterStats, ct);

    /// <summary><c>PUT /models/{model}/batching</c> with exactly the options in <paramref name="patch"/>.</summary>
    public Task<BatchingState> UpdateBatchingAsync(string model, BatchingPatch patch, string updatedBy, CancellationToken ct) =>
        SendAsync(
            () => Authorized(HttpMethod.Put, model, updatedBy, JsonContent.Create(patch, AdminJsonContext.Default.BatchingPatch)),
            (response, token) => ReadAsync(response, AdminJsonContext.Default.BatchingState, token),
            acceptAnyStatus: false,
            ct);

    /// <summary><c>DELETE /models/{model}/batching</c>: back to the configured defaults.</summary>
    public Task<BatchingState> ResetBatchingAsync(string model, string updatedBy, CancellationToken ct) =>
        SendAsync(
            () => Authorized(HttpMethod.Delete, model, updatedBy, content: null),
            (response, token) => ReadAsync(response, AdminJsonContext.Default.BatchingState, token),
            acceptAnyStatus: false,
            ct);

    private Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken ct) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), (response, token) => ReadAsync(response, type, token), acceptAnyStatus: false, ct);

    private HttpRequestMessage Authorized(HttpMethod method, string model, string updatedBy, HttpContent? content)
    {
        var key = keys.CurrentValue.AdminKey;
        if (string.IsNullOrEmpty(key))
        {
            throw new ApiException("No admin key is configured (Embeddings:AdminKey), so the admin cannot change the API's settings.");
        }

        var request = new HttpRequestMessage(method, $"/models/{Uri.EscapeDataString(model)}/batching") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add(UpdatedByHeader, updatedBy);
        return request;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken ct) =>
        await response.Content.ReadFromJsonAsync(type, ct)
        ?? throw new ApiException($"The API answered {Describe(response)} with an empty body.", (int)response.StatusCode);

    private async Task<T> SendAsync<T>(
        Func<HttpRequestMessage> request,
        Func<HttpResponseMessage, CancellationToken, Task<T>> read,
        bool acceptAnyStatus,
        CancellationToken ct)
    {
        try
        {
            using var message = request();
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!acceptAnyStatus && !response.IsSuccessStatusCode)
            {
                throw await RefusedAsync(response, ct);
            }

            return await read(response, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (HttpRequestException ex)
        {
            throw new ApiException($"The API is unreachable: {ex.Message}", inner: ex);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException)
        {
            throw new ApiException("The API did not answer in time.", inner: ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw new ApiException("The API has been failing; calls to it pause for a few seconds.", inner: ex);
        }
        catch (ExecutionRejectedException ex)
        {
            throw new ApiException($"The call to the API was refused before it was sent: {ex.Message}", inner: ex);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            throw new ApiException($"The API's answer could not be read: {ex.Message}", inner: ex);
        }
    }

    /// <summary>A non-success answer, with the problem's detail when the API sent one.</summary>
    private static async Task<ApiException> RefusedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string? said = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                var problem = await response.Content.ReadFromJsonAsync(AdminJsonContext.Default.ProblemAnswer, ct);
                said = problem?.Detail ?? problem?.Title;
            }
            catch (JsonException)
            {
                // Not a problem document after all: the status code alone has to do.
            }
        }

        return new ApiException(
            said is null ? $"The API answered {Describe(response)}." : $"The API answered {Describe(response)}: {said}",
            (int)response.StatusCode);
    }

    private static string Describe(HttpResponseMessage response) => $"{(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
}
