using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;

namespace Embeddings.Api.Metrics;

/// <summary>
/// The request-level instruments, on the same meter as the engine's (<see cref="EmbeddingsMeter.Name"/>), and what the
/// live stats need from the same events: request durations in their histogram's buckets and cache lookup counts per
/// model. Each event is recorded once, here. The counters are observable, over the counts kept here, and start at 0
/// for every served model (and <see cref="UnknownModel"/>) with each status in <see cref="KnownStatuses"/>, and every
/// served model with each cache result, so a rate or an alert has a series before the first event.
/// </summary>
public sealed class ApiMetrics
{
    /// <summary>The model label of a request whose model is not one of ours (or not read yet), so junk names cannot
    /// blow up the series count.</summary>
    public const string UnknownModel = "unknown";

    /// <summary>The statuses an embedding request is counted with (<see cref="EmbeddingRequestMetricsFilter"/>): success,
    /// the error table's answers to an embedding route, 499 (the client left) and 500 (a bug).</summary>
    public static readonly int[] KnownStatuses = [200, 400, 404, 413, 429, 499, 500, 503];

    private readonly string[] _served;
    private readonly Histogram<double> _duration;
    private readonly ConcurrentDictionary<string, ModelRequests> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Model, int Status), Count> _requests = new();

    public ApiMetrics(IMeterFactory meterFactory, ModelRegistry registry)
    {
        var meter = meterFactory.Create(EmbeddingsMeter.Name);
        _served = [.. registry.All.Select(m => m.Id)];
        foreach (var model in _served.Append(UnknownModel))
        {
            foreach (var status in KnownStatuses)
            {
                _requests.TryAdd((model, status), new Count());
            }
        }

        meter.CreateObservableCounter("requests_total", ObserveRequests, "{request}", "Embedding requests answered, by model and HTTP status.");
        _duration = EmbeddingsMeter.Seconds(meter, "request_duration_seconds", "Time to answer an embedding request.");
        meter.CreateObservableCounter("cache_requests_total", ObserveCache, "{input}", "Result cache lookups per input, by result (hit or miss).");
    }

    public void RequestAnswered(string model, int status, TimeSpan duration)
    {
        _requests.GetOrAdd((model, status), _ => new Count()).Add(1);
        _duration.Record(duration.TotalSeconds, EmbeddingsMeter.Model(model));
        For(model).Durations.Record(duration.TotalSeconds);
    }

    public void CacheLookups(string model, int hits, int misses)
    {
        var counts = For(model);
        counts.Hits.Add(hits);
        counts.Misses.Add(misses);
    }

    /// <summary>Cumulative cache hits and misses of a model on this replica.</summary>
    public (long Hits, long Misses) CacheCounts(string model)
    {
        var counts = For(model);
        return (counts.Hits.Value, counts.Misses.Value);
    }

    /// <summary>Request durations of a model since start (seconds, in their histogram's buckets).</summary>
    public BucketCounter Durations(string model) => For(model).Durations;

    private ModelRequests For(string model) => _models.GetOrAdd(model, _ => new ModelRequests());

    private IEnumerable<Measurement<long>> ObserveRequests() => _requests
        .OrderBy(r => r.Key.Model, StringComparer.Ordinal).ThenBy(r => r.Key.Status) // series in a stable order
        .Select(r => new Measurement<long>(r.Value.Value, EmbeddingsMeter.Model(r.Key.Model), new("status", r.Key.Status)));

    private IEnumerable<Measurement<long>> ObserveCache() => _served.SelectMany(model =>
    {
        var (hits, misses) = CacheCounts(model);
        return new Measurement<long>[] { new(hits, EmbeddingsMeter.Model(model), new("result", "hit")), new(misses, EmbeddingsMeter.Model(model), new("result", "miss")) };
    });

    private sealed class ModelRequests
    {
        public Count Hits { get; } = new();

        public Count Misses { get; } = new();

        public BucketCounter Durations { get; } = new(EmbeddingsMeter.SecondsBuckets);
    }

    /// <summary>A count that only goes up, safe to add to from any thread.</summary>
    private sealed class Count
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Add(long amount) => Interlocked.Add(ref _value, amount);
    }
}
