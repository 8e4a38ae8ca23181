namespace Embeddings.Contracts;

/// <summary>One model as <c>GET /models</c> shows it: what it is, how it batches now (and which config version that
/// is), and its cumulative stats on this replica.</summary>
public sealed record ModelInfo(
    string Id,
    int Dimensions,
    int MaxTokens,
    string Pooling,
    bool Normalize,
    string ExecutionProvider,
    string Revision,
    IReadOnlyDictionary<string, string> Prompts,
    BatchingOptions Batching,
    BatchingConfigInfo Config,
    ModelStatsSnapshot Stats,
    BatchLimits? Limits = null)
{
    /// <summary><c>fp32</c> or <c>int8</c>: the precision of the graph this replica serves.</summary>
    public string Precision { get; init; } = "fp32";

    /// <summary>For int8, how close its vectors are to fp32's on the calibration set; null for fp32.</summary>
    public PrecisionQuality? Quality { get; init; }

    /// <summary>The replica's inference slots, shared by every model, and this model's use of them now.</summary>
    public SlotUse? Slots { get; init; }

    /// <summary>The latency target and what the server runs to meet it; null while no target is set.</summary>
    public LatencyTargetInfo? Latency { get; init; }
}

/// <summary>A model's latency target (<c>targetP95Ms</c>) on this replica, and what its controller runs now.</summary>
/// <param name="TargetP95Ms">The target.</param>
/// <param name="EffectiveMaxBatchSize">The batch size batches are planned with now (at most <c>maxBatchSize</c>).</param>
/// <param name="EffectiveMaxWaitMs">The wait they are planned with now (at most <c>maxWaitMs</c>).</param>
/// <param name="CapacityPerSecond">Inputs per second such batches can serve, estimated from the model's recent batches;
/// null before a batch ran.</param>
/// <param name="ObservedP95Ms">The p95 of the inputs' latency (admission to answer) over the last few seconds; null
/// without inputs.</param>
public sealed record LatencyTargetInfo(int TargetP95Ms, int EffectiveMaxBatchSize, int EffectiveMaxWaitMs, double? CapacityPerSecond, double? ObservedP95Ms);

/// <summary>A model's use of the replica's inference slots (one budget of runner threads that every model shares).</summary>
/// <param name="Total">Batches that may run at once on the replica, over every model.</param>
/// <param name="Held">Slots this model holds now.</param>
/// <param name="Cap">The most it may hold at once (its <c>maxConcurrentBatches</c>).</param>
public sealed record SlotUse(int Total, int Held, int Cap);

/// <summary>The batch limits in effect: the batching options, capped by the working memory one batch may take, so that
/// no setting can plan a batch the machine cannot hold.</summary>
/// <param name="MaxBatchMemoryMB">The most working memory one batch may take (<c>Embeddings:Models:{id}:MaxBatchMemoryMB</c>).</param>
/// <param name="LargestBatchByTokens">For inputs of some lengths up to the model's limit (tokens, as text), the most of
/// them one batch holds under every limit.</param>
public sealed record BatchLimits(int MaxBatchMemoryMB, IReadOnlyDictionary<string, int> LargestBatchByTokens);

/// <summary>Where a model's applied batching options come from: <paramref name="Version"/> 0 means the configured
/// defaults (appsettings) with no change stored yet; each stored change gets a higher version.</summary>
/// <param name="Version">The applied config version; replicas that agree on it run the same options.</param>
/// <param name="UpdatedAt">When that version was stored.</param>
/// <param name="UpdatedBy">Who stored it.</param>
/// <param name="Store"><c>redis</c> (shared by every replica) or <c>memory</c> (this replica only).</param>
/// <param name="Rejected">A stored version newer than the applied one that this replica did not apply because it is not
/// valid (written around the API), with why; null when there is none.</param>
public sealed record BatchingConfigInfo(long Version, DateTimeOffset? UpdatedAt, string? UpdatedBy, string Store, RejectedConfig? Rejected = null);

/// <summary>A stored batching config version that was not applied, and why.</summary>
public sealed record RejectedConfig(long Version, string Reason);

/// <summary>The answer to a batching change (<c>PUT</c> or <c>DELETE /models/{model}/batching</c>): the options now
/// applied, and their config version.</summary>
public sealed record BatchingState(BatchingOptions Batching, BatchingConfigInfo Config);
