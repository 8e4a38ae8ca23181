namespace Embeddings.Contracts;

/// <summary><c>GET /stats</c>: what every live replica is doing now, per model, and the sum over them.</summary>
/// <param name="At">When this was read.</param>
/// <param name="Replicas">Each replica that reported within the last few seconds.</param>
/// <param name="Total">Per model over all replicas: throughput, queue depth and batches in flight summed; latency and
/// queue-time percentiles read from the replicas' histogram buckets added up (the cluster's own percentiles, as
/// <c>histogram_quantile</c> over <c>sum by (le)</c> gives them); batch size, padding efficiency and cache hit ratio
/// as ratios of the replicas' counts added up (weighted by each replica's batches, padded tokens and cache lookups).</param>
public sealed record ClusterStats(DateTimeOffset At, IReadOnlyList<ReplicaStats> Replicas, IReadOnlyList<ModelLiveStats> Total);

/// <summary>One replica's recent stats, as it last reported them.</summary>
/// <param name="ReplicaId">Host and process id.</param>
/// <param name="Address">The replica's own HTTP address (not a shared proxy), when it knows it.</param>
/// <param name="At">When it reported.</param>
public sealed record ReplicaStats(string ReplicaId, string? Address, DateTimeOffset At, IReadOnlyList<ModelLiveStats> Models);

/// <summary>One model on one replica (or summed), over the last few seconds. Times in milliseconds. The percentiles
/// are estimated from <paramref name="LatencyBuckets"/> and <paramref name="QueueBuckets"/> (seconds) as Prometheus's
/// <c>histogram_quantile</c> does; the buckets are those of the last few seconds, and absent from a replica of an
/// older version. The three rates after the buckets are what the ratios above are ratios of, so that replicas add up.
/// The last three are the latency target (null: off) and the batch size and wait batches are planned with now (the
/// configured ones, or what the controller chose; averaged over replicas in a sum).</summary>
public sealed record ModelLiveStats(
    string Model,
    double ItemsPerSecond,
    double LatencyP50Ms,
    double LatencyP95Ms,
    double LatencyP99Ms,
    double QueueP50Ms,
    double QueueP95Ms,
    double QueueP99Ms,
    double AverageBatchSize,
    double PaddingEfficiency,
    int QueueDepth,
    int InFlightBatches,
    double CacheHitRatio,
    string ExecutionProvider,
    long ConfigVersion,
    BucketCounts? LatencyBuckets = null,
    BucketCounts? QueueBuckets = null,
    double BatchesPerSecond = 0,
    double PaddedTokensPerSecond = 0,
    double CacheLookupsPerSecond = 0,
    double SlotsBusy = 0,
    int Slots = 0,
    int? TargetP95Ms = null,
    double EffectiveMaxBatchSize = 0,
    double EffectiveMaxWaitMs = 0)
{
    /// <summary>The share of the inference slots this model held over the window (0 to 1): <see cref="SlotsBusy"/>, the
    /// slots its batches kept busy on average, over <see cref="Slots"/>, the slots of the replica (or, summed, of the
    /// cluster), which every model of the replica shares.</summary>
    public double SlotShare => Slots > 0 ? SlotsBusy / Slots : 0;
}
