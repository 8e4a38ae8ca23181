using System.Diagnostics.Metrics;
using Embeddings.Core.Batching;

namespace Embeddings.Api.Metrics;

/// <summary>
/// The request-level instruments, on the same meter as the engine's (<see cref="EmbeddingsMeter.Name"/>), so that
/// /metrics, OpenTelemetry and the stats all read one definition of each.
/// </summary>
public sealed class ApiMetrics
{
    public ApiMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(EmbeddingsMeter.Name);
        Requests = meter.CreateCounter<long>("requests_total", "{request}", "Embedding requests answered, by model and HTTP status.");
        RequestDuration = EmbeddingsMeter.Seconds(meter, "request_duration_seconds", "Time to answer an embedding request.");
        CacheRequests = meter.CreateCounter<long>("cache_requests_total", "{input}", "Result cache lookups per input, by result (hit or miss).");
    }

    public Counter<long> Requests { get; }

    public Histogram<double> RequestDuration { get; }

    public Counter<long> CacheRequests { get; }
}
