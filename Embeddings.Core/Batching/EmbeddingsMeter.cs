using System.Diagnostics.Metrics;

namespace Embeddings.Core.Batching;

/// <summary>
/// The one definition of every metric: instruments on the meter <see cref="Name"/>, which OpenTelemetry exports and
/// prometheus-net's meter adapter serves on /metrics as <c>embeddings_{instrument}</c>. Histogram buckets travel with
/// each histogram as its advice, so every exporter uses the same ones. Every instrument carries the tag <c>model</c>.
/// </summary>
public static class EmbeddingsMeter
{
    public const string Name = "Embeddings";

    public const string ModelTag = "model";
    public const string ReasonTag = "reason";
    public const string ReasonQueueFull = "queue_full";
    public const string ReasonShuttingDown = "shutting_down";

    /// <summary>Seconds, from sub-millisecond cache hits to multi-second queues under overload.</summary>
    public static readonly double[] SecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    public static Histogram<double> Seconds(Meter meter, string name, string description)
    {
        ArgumentNullException.ThrowIfNull(meter);
        return meter.CreateHistogram(name, "s", description, tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
    }

    /// <summary>The buckets a histogram was created with, for exporters that need them spelled out.</summary>
    public static double[]? BucketsOf(Instrument instrument) => instrument switch
    {
        Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
        Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        _ => null,
    };
}

/// <summary>The engine's instruments, created once per <see cref="BatchProcessor"/> on its meter.</summary>
internal sealed class EngineInstruments : IDisposable
{
    private static readonly int[] BatchSizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
    private static readonly long[] TokenBuckets = [64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];
    private static readonly double[] RatioBuckets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1];

    private readonly Meter? _ownedMeter;

    public EngineInstruments(
        IMeterFactory? meterFactory,
        Func<IEnumerable<Measurement<int>>> queueDepths,
        Func<IEnumerable<Measurement<int>>> inFlight)
    {
        var meter = meterFactory?.Create(EmbeddingsMeter.Name) ?? (_ownedMeter = new Meter(EmbeddingsMeter.Name));
        Inputs = meter.CreateCounter<long>("inputs_total", "{input}",
            "Inputs submitted to a model's queue, accepted or refused: completed + failed + cancelled + rejected + still queued or running.");
        Completed = meter.CreateCounter<long>("completed_total", "{input}", "Inputs answered with a vector.");
        Failed = meter.CreateCounter<long>("failed_total", "{input}", "Inputs answered with a model failure (503).");
        Cancelled = meter.CreateCounter<long>("cancelled_total", "{input}", "Inputs whose caller left before the answer.");
        Rejected = meter.CreateCounter<long>("rejected_total", "{input}", "Inputs refused at admission, by reason: queue_full (429) or shutting_down (503).");
        Batches = meter.CreateCounter<long>("batches_total", "{batch}", "Model calls (batches) run.");
        BatchSize = meter.CreateHistogram("batch_size", "{input}", "Inputs per model call.",
            tags: null, advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchSizeBuckets });
        BatchTokens = meter.CreateHistogram("batch_tokens", "{token}", "Padded tokens (longest x count) per model call.",
            tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        PaddingEfficiency = meter.CreateHistogram("padding_efficiency", "1", "Real tokens divided by padded tokens, per model call.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RatioBuckets });
        QueueWait = EmbeddingsMeter.Seconds(meter, "queue_wait_seconds", "Time an input waited from admission to the start of its model call.");
        InferenceDuration = EmbeddingsMeter.Seconds(meter, "inference_duration_seconds", "Duration of one model call.");
        meter.CreateObservableGauge("queue_depth", queueDepths, "{input}", "Inputs waiting in a model's queue.");
        meter.CreateObservableGauge("batches_in_flight", inFlight, "{batch}", "Batches of a model running now.");
    }

    public Counter<long> Inputs { get; }
    public Counter<long> Completed { get; }
    public Counter<long> Failed { get; }
    public Counter<long> Cancelled { get; }
    public Counter<long> Rejected { get; }
    public Counter<long> Batches { get; }
    public Histogram<int> BatchSize { get; }
    public Histogram<long> BatchTokens { get; }
    public Histogram<double> PaddingEfficiency { get; }
    public Histogram<double> QueueWait { get; }
    public Histogram<double> InferenceDuration { get; }

    public void Dispose() => _ownedMeter?.Dispose();
}
