using System.Diagnostics.Metrics;
using Embeddings.Contracts;

namespace Embeddings.Core.Batching;

/// <summary>
/// The engine's instruments, created once per <see cref="BatchProcessor"/> on its meter. Histograms are recorded by
/// <see cref="ModelStats"/>; counters and gauges are observed at each collection from every model's queue, so each
/// model's series exist from start.
/// </summary>
internal sealed class EngineInstruments : IDisposable
{
    private static readonly int[] BatchSizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
    private static readonly long[] TokenBuckets = [64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];
    private static readonly double[] RatioBuckets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1];

    private readonly Meter? _ownedMeter;
    private readonly Func<IReadOnlyList<ModelQueue>> _queues;

    public EngineInstruments(IMeterFactory? meterFactory, Func<IReadOnlyList<ModelQueue>> queues, InferenceScheduler scheduler)
    {
        _queues = queues;
        var meter = meterFactory?.Create(EmbeddingsMeter.Name) ?? (_ownedMeter = new Meter(EmbeddingsMeter.Name));
        Count(meter, "inputs_total", "{input}",
            "Inputs submitted to a model's queue, accepted or refused: completed + failed + cancelled + rejected + still queued or running.",
            s => s.Inputs);
        Count(meter, "completed_total", "{input}", "Inputs answered with a vector.", s => s.Completed);
        Count(meter, "failed_total", "{input}", "Inputs answered with a model failure (503).", s => s.Failed);
        Count(meter, "cancelled_total", "{input}", "Inputs whose caller left before the answer.", s => s.Cancelled);
        Count(meter, "batches_total", "{batch}", "Model calls (batches) run.", s => s.Batches);
        meter.CreateObservableCounter("rejected_total", Rejections, "{input}",
            "Inputs refused at admission, by reason: queue_full (429), over_target (429: the latency target could not be met) or shutting_down (503).");

        BatchSize = meter.CreateHistogram("batch_size", "{input}", "Inputs per model call.",
            tags: null, advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchSizeBuckets });
        BatchTokens = meter.CreateHistogram("batch_tokens", "{token}", "Padded tokens (longest x count) per model call.",
            tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        PaddingEfficiency = meter.CreateHistogram("padding_efficiency", "1", "Real tokens divided by padded tokens, per model call.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RatioBuckets });
        QueueWait = EmbeddingsMeter.Seconds(meter, "queue_wait_seconds", "Time an input waited from admission to the start of its model call.");
        InferenceDuration = EmbeddingsMeter.Seconds(meter, "inference_duration_seconds", "Duration of one model call.");

        meter.CreateObservableGauge("queue_depth", () => Each(q => q.QueueDepth), "{input}", "Inputs waiting in a model's queue.");
        meter.CreateObservableGauge("max_queue_length", () => Each(q => q.Options.MaxQueueLength), "{input}",
            "The queue length beyond which a model refuses inputs (429): its live maxQueueLength.");
        meter.CreateObservableGauge("batches_in_flight", () => Each(q => q.InFlightBatches), "{batch}", "Batches of a model running now.");
        meter.CreateObservableGauge("padding_efficiency_floor", () => Each(q => q.Options.MinPaddingEfficiency), "1",
            "A model's live minPaddingEfficiency: the padding efficiency its batches keep to while sortByLength is on.");
        meter.CreateObservableCounter("slot_seconds_total", () => Each(q => q.GetStats().InferenceSeconds), "s",
            "Time a model's batches held inference slots: rate() over embeddings_inference_slots is the share of the machine it gets.");
        meter.CreateObservableGauge("slots_held", () => Each(q => scheduler.Held(q)), "{slot}", "Inference slots a model holds now.");
        meter.CreateObservableGauge("inference_slots", () => scheduler.Slots, "{slot}",
            "Batches that may run at once over every model of the replica (runner threads).");
        meter.CreateObservableGauge("target_p95_seconds", () => Each(q => (q.Options.TargetP95Ms ?? 0) / 1000.0), "s",
            "A model's live targetP95Ms in seconds; 0 while no target is set.");
        meter.CreateObservableGauge("effective_max_batch_size", () => Each(q => q.Effective.MaxBatchSize), "{input}",
            "The batch size a model's batches are planned with now: maxBatchSize, or what its latency controller chose.");
        meter.CreateObservableGauge("effective_max_wait_seconds", () => Each(q => q.Effective.MaxWaitMs / 1000.0), "s",
            "The wait a model's batches are planned with now: maxWaitMs, or what its latency controller chose.");
        meter.CreateObservableGauge("capacity_inputs_per_second", () => Each(q => q.Latency?.CapacityPerSecond ?? 0), "{input}/s",
            "With a latency target: the inputs per second the model's batches can serve now, estimated from its recent batches; 0 otherwise.");
        meter.CreateObservableGauge("engine_up", () => Each(q => q.Fault is null ? 1 : 0), "1",
            "1 while a model's engine (its dispatcher loop) runs; 0 once it has failed, and the model answers 503.");
    }

    public Histogram<int> BatchSize { get; }
    public Histogram<long> BatchTokens { get; }
    public Histogram<double> PaddingEfficiency { get; }
    public Histogram<double> QueueWait { get; }
    public Histogram<double> InferenceDuration { get; }

    public void Dispose() => _ownedMeter?.Dispose();

    private void Count(Meter meter, string name, string unit, string description, Func<ModelStatsSnapshot, long> count) =>
        meter.CreateObservableCounter(name, () => Each(q => count(q.GetStats())), unit, description);

    private IEnumerable<Measurement<long>> Rejections()
    {
        foreach (var queue in _queues())
        {
            var stats = queue.GetStats();
            yield return new(stats.RejectedQueueFull, EmbeddingsMeter.Model(queue.Id), new(EmbeddingsMeter.ReasonTag, EmbeddingsMeter.ReasonQueueFull));
            yield return new(stats.RejectedShuttingDown, EmbeddingsMeter.Model(queue.Id), new(EmbeddingsMeter.ReasonTag, EmbeddingsMeter.ReasonShuttingDown));
            yield return new(stats.RejectedOverTarget, EmbeddingsMeter.Model(queue.Id), new(EmbeddingsMeter.ReasonTag, EmbeddingsMeter.ReasonOverTarget));
        }
    }

    private IEnumerable<Measurement<T>> Each<T>(Func<ModelQueue, T> value)
        where T : struct
    {
        foreach (var queue in _queues())
        {
            yield return new(value(queue), EmbeddingsMeter.Model(queue.Id));
        }
    }
}
