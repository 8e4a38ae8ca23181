using Embeddings.Api.Config;
using Embeddings.Api.Metrics;
using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;

namespace Embeddings.Api.Stats;

/// <summary>
/// Turns this replica's cumulative counters into live stats: once a second it takes a snapshot per model, and a
/// model's rates (items/s, batch size, padding efficiency, cache hit ratio) come from the change over the last few
/// snapshots, and so do its latency and queue-time histograms (bucket counts then, less bucket counts at the start of
/// the window), from which its percentiles are read as <c>histogram_quantile</c> reads them.
/// </summary>
public sealed class LiveStatsSampler(
    BatchProcessor processor, ModelRegistry registry, ApiMetrics metrics, IBatchingConfigStore config, TimeProvider time)
{
    /// <summary>How far back the rates and percentiles look.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly Queue<Snapshot> _history = new();

    /// <summary>Takes a snapshot of every model (call about once a second) and returns the live stats it gives.</summary>
    public IReadOnlyList<ModelLiveStats> Sample()
    {
        var now = new Snapshot(time.GetTimestamp(), processor.GetAllStats().ToDictionary(
            s => s.Model,
            s => new ModelSnapshot(s, metrics.CacheCounts(s.Model), metrics.Durations(s.Model).Snapshot(), processor.QueueWaits(s.Model).Snapshot())));
        Snapshot oldest;
        lock (_lock)
        {
            _history.Enqueue(now);
            while (_history.Count > 2 && time.GetElapsedTime(_history.Peek().At, now.At) > Window)
            {
                _history.Dequeue();
            }

            oldest = _history.Peek();
        }

        return [.. registry.All.Select(m => Describe(m.Model.Descriptor, oldest, now))];
    }

    private ModelLiveStats Describe(ModelDescriptor model, Snapshot from, Snapshot to)
    {
        var (stats, cache, latencyNow, queueNow) = to.Models[model.Id];
        var (before, cacheBefore, latencyBefore, queueBefore) = from.Models[model.Id];
        var seconds = time.GetElapsedTime(from.At, to.At).TotalSeconds;
        var answered = stats.Completed + stats.Failed - before.Completed - before.Failed;
        var batches = stats.Batches - before.Batches;
        var padded = stats.PaddedTokens - before.PaddedTokens;
        var hits = cache.Hits - cacheBefore.Hits;
        var lookups = hits + cache.Misses - cacheBefore.Misses;
        var latency = latencyNow.Since(latencyBefore);
        var effective = processor.GetEffectiveOptions(model.Id);
        var queue = queueNow.Since(queueBefore);
        return new ModelLiveStats(
            model.Id,
            ItemsPerSecond: seconds > 0 ? (stats.Completed - before.Completed) / seconds : 0,
            LatencyP50Ms: latency.Quantile(0.5) * 1000,
            LatencyP95Ms: latency.Quantile(0.95) * 1000,
            LatencyP99Ms: latency.Quantile(0.99) * 1000,
            QueueP50Ms: queue.Quantile(0.5) * 1000,
            QueueP95Ms: queue.Quantile(0.95) * 1000,
            QueueP99Ms: queue.Quantile(0.99) * 1000,
            AverageBatchSize: batches > 0 ? (double)answered / batches : 0,
            PaddingEfficiency: padded > 0 ? (double)(stats.RealTokens - before.RealTokens) / padded : 1,
            QueueDepth: stats.QueueDepth,
            InFlightBatches: stats.InFlightBatches,
            CacheHitRatio: lookups > 0 ? (double)hits / lookups : 0,
            ExecutionProvider: model.ExecutionProvider,
            ConfigVersion: config.Describe(model.Id).Version,
            LatencyBuckets: latency,
            QueueBuckets: queue,
            BatchesPerSecond: seconds > 0 ? batches / seconds : 0,
            PaddedTokensPerSecond: seconds > 0 ? padded / seconds : 0,
            CacheLookupsPerSecond: seconds > 0 ? lookups / seconds : 0,
            SlotsBusy: seconds > 0 ? (stats.InferenceSeconds - before.InferenceSeconds) / seconds : 0,
            Slots: processor.InferenceSlots,
            TargetP95Ms: effective.TargetP95Ms,
            EffectiveMaxBatchSize: effective.MaxBatchSize,
            EffectiveMaxWaitMs: effective.MaxWaitMs);
    }

    private sealed record Snapshot(long At, Dictionary<string, ModelSnapshot> Models);

    private sealed record ModelSnapshot(ModelStatsSnapshot Stats, (long Hits, long Misses) Cache, BucketCounts Latency, BucketCounts Queue);
}
