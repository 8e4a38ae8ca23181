using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Embeddings.Core.Batching;

namespace Embeddings.Api.Metrics;

/// <summary>
/// The request-level instruments, on the same meter as the engine's (<see cref="EmbeddingsMeter.Name"/>), and what the
/// live stats need from the same events: request durations in their histogram's buckets and cache lookup counts per
/// model. Each event is
/// recorded once, here, into both.
/// </summary>
public sealed class ApiMetrics(IMeterFactory meterFactory)
{
    private readonly Meter _meter = meterFactory.Create(EmbeddingsMeter.Name);
    private readonly ConcurrentDictionary<string, ModelRequests> _models = new(StringComparer.Ordinal);
    private Counter<long>? _requests;
    private Histogram<double>? _duration;
    private Counter<long>? _cache;

    private Counter<long> Requests => _requests ??= _meter.CreateCounter<long>(
        "requests_total", "{request}", "Embedding requests answered, by model and HTTP status.");

    private Histogram<double> RequestDuration => _duration ??= EmbeddingsMeter.Seconds(
        _meter, "request_duration_seconds", "Time to answer an embedding request.");

    private Counter<long> CacheRequests => _cache ??= _meter.CreateCounter<long>(
        "cache_requests_total", "{input}", "Result cache lookups per input, by result (hit or miss).");

    public void RequestAnswered(string model, int status, TimeSpan duration)
    {
        KeyValuePair<string, object?> tag = new(EmbeddingsMeter.ModelTag, model);
        Requests.Add(1, tag, new("status", status));
        RequestDuration.Record(duration.TotalSeconds, tag);
        For(model).Durations.Record(duration.TotalSeconds);
    }

    public void CacheLookups(string model, int hits, int misses)
    {
        KeyValuePair<string, object?> tag = new(EmbeddingsMeter.ModelTag, model);
        CacheRequests.Add(hits, tag, new("result", "hit"));
        CacheRequests.Add(misses, tag, new("result", "miss"));
        var counts = For(model);
        Interlocked.Add(ref counts.Hits, hits);
        Interlocked.Add(ref counts.Misses, misses);
    }

    /// <summary>Cumulative cache hits and misses of a model on this replica.</summary>
    public (long Hits, long Misses) CacheCounts(string model)
    {
        var counts = For(model);
        return (Interlocked.Read(ref counts.Hits), Interlocked.Read(ref counts.Misses));
    }

    /// <summary>Request durations of a model since start (seconds, in their histogram's buckets).</summary>
    public BucketCounter Durations(string model) => For(model).Durations;

    private ModelRequests For(string model) => _models.GetOrAdd(model, _ => new ModelRequests());

    private sealed class ModelRequests
    {
        public long Hits;
        public long Misses;

        public BucketCounter Durations { get; } = new(EmbeddingsMeter.SecondsBuckets);
    }
}
