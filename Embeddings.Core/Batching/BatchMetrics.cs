using System.Diagnostics.Metrics;

namespace Embeddings.Core.Batching;

/// <summary>The engine's instruments (see <see cref="EmbeddingsInstruments"/> for names and units).</summary>
internal sealed class BatchMetrics : IDisposable
{
    private static readonly double[] SecondsBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly int[] BatchSizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

    private static readonly long[] TokenBuckets = [64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];

    private static readonly double[] RatioBuckets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1];

    private readonly Meter? _ownedMeter;

    public BatchMetrics(
        IMeterFactory? meterFactory,
        Func<IEnumerable<Measurement<int>>> queueDepths,
        Func<IEnumerable<Measurement<int>>> inFlight)
    {
        Meter meter;
        if (meterFactory is null)
        {
            meter = _ownedMeter = new Meter(EmbeddingsInstruments.MeterName);
        }
        else
        {
            meter = meterFactory.Create(EmbeddingsInstruments.MeterName);
        }

        Requests = meter.CreateCounter<long>(EmbeddingsInstruments.Requests, "{input}", "Inputs accepted into a model queue.");
        Batches = meter.CreateCounter<long>(EmbeddingsInstruments.Batches, "{batch}", "Model calls (batches) run.");
        BatchSize = meter.CreateHistogram(EmbeddingsInstruments.BatchSize, "{input}", "Inputs per model call.",
            tags: null, advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchSizeBuckets });
        BatchTokens = meter.CreateHistogram(EmbeddingsInstruments.BatchTokens, "{token}", "Padded tokens per model call.",
            tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        PaddingEfficiency = meter.CreateHistogram(EmbeddingsInstruments.PaddingEfficiency, "1", "Real tokens divided by padded tokens, per model call.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RatioBuckets });
        QueueWait = meter.CreateHistogram(EmbeddingsInstruments.QueueWait, "s", "Time an input waited from admission to the start of its model call.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        InferenceDuration = meter.CreateHistogram(EmbeddingsInstruments.InferenceDuration, "s", "Duration of one model call.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        Rejected = meter.CreateCounter<long>(EmbeddingsInstruments.Rejected, "{input}", "Inputs refused (tag reason).");
        Cancelled = meter.CreateCounter<long>(EmbeddingsInstruments.Cancelled, "{input}", "Inputs whose caller cancelled while queued.");
        Failed = meter.CreateCounter<long>(EmbeddingsInstruments.Failed, "{input}", "Inputs answered with a model failure.");
        meter.CreateObservableGauge(EmbeddingsInstruments.QueueDepth, queueDepths, "{input}", "Inputs waiting in a model queue.");
        meter.CreateObservableGauge(EmbeddingsInstruments.BatchesInFlight, inFlight, "{batch}", "Batches of a model running now.");
    }

    public Counter<long> Requests { get; }
    public Counter<long> Batches { get; }
    public Histogram<int> BatchSize { get; }
    public Histogram<long> BatchTokens { get; }
    public Histogram<double> PaddingEfficiency { get; }
    public Histogram<double> QueueWait { get; }
    public Histogram<double> InferenceDuration { get; }
    public Counter<long> Rejected { get; }
    public Counter<long> Cancelled { get; }
    public Counter<long> Failed { get; }

    public void Dispose() => _ownedMeter?.Dispose();
}
