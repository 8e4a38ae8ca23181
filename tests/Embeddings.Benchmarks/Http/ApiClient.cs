using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Embeddings.Benchmarks.Http;

/// <summary>A model's cumulative counters from <c>GET /models/{model}</c>; two of them give a run's figures.</summary>
public sealed record ModelCounters(long Completed, long Batches, long RealTokens, long PaddedTokens, long Failed, long Rejected)
{
    /// <summary>Average inputs per model call and padding efficiency between <paramref name="before"/> and this.</summary>
    public (double AverageBatchSize, double PaddingEfficiency) Since(ModelCounters before)
    {
        var batches = Batches - before.Batches;
        var padded = PaddedTokens - before.PaddedTokens;
        return (batches > 0 ? (double)(Completed - before.Completed) / batches : double.NaN,
            padded > 0 ? (double)(RealTokens - before.RealTokens) / padded : double.NaN);
    }
}

/// <summary>
/// The HTTP client the harness uses: a <see cref="SocketsHttpHandler"/> with enough connections for every client,
/// plus the two control calls (live batching changes and model stats).
/// </summary>
public sealed class ApiClient(Uri baseAddress, string? adminKey, int maxConnections) : IDisposable
{
    public HttpClient Http { get; } = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = Math.Max(1, maxConnections),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        EnableMultipleHttp2Connections = true,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>PUT /models/{model}/batching with the admin key; throws unless the server took it.</summary>
    public Task SetBatchingAsync(string model, ServerSettings settings, CancellationToken ct = default) =>
        PatchBatchingAsync(model, settings.ToPatch(), ct);

    /// <summary>PUT /models/{model}/batching of the fields in <paramref name="patch"/> alone.</summary>
    public async Task PatchBatchingAsync(string model, object patch, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"models/{model}/batching", UriKind.Relative))
        {
            Content = JsonContent.Create(patch),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var response = await Http.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException(
                $"PUT batching answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)}");
        }
    }

    public async Task<ModelCounters> GetCountersAsync(string model, CancellationToken ct = default)
    {
        using var response = await Http.GetAsync(new Uri($"models/{model}", UriKind.Relative), ct).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
        var stats = document.RootElement.GetProperty("stats");
        long Get(string name) => stats.GetProperty(name).GetInt64();
        return new ModelCounters(Get("completed"), Get("batches"), Get("realTokens"), Get("paddedTokens"), Get("failed"),
            Get("rejectedQueueFull") + Get("rejectedShuttingDown"));
    }

    public void Dispose() => Http.Dispose();
}
