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
    ModelStatsSnapshot Stats)
{
    /// <summary><c>fp32</c> or <c>int8</c>: the precision of the graph this replica serves.</summary>
    public string Precision { get; init; } = "fp32";

    /// <summary>For int8, how close its vectors are to fp32's on the calibration set; null for fp32.</summary>
    public PrecisionQuality? Quality { get; init; }
}

/// <summary>Where a model's applied batching options come from: <paramref name="Version"/> 0 means the configured
/// defaults (appsettings) with no change stored yet; each stored change gets a higher version.</summary>
/// <param name="Version">The applied config version; replicas that agree on it run the same options.</param>
/// <param name="UpdatedAt">When that version was stored.</param>
/// <param name="UpdatedBy">Who stored it.</param>
/// <param name="Store"><c>redis</c> (shared by every replica) or <c>memory</c> (this replica only).</param>
public sealed record BatchingConfigInfo(long Version, DateTimeOffset? UpdatedAt, string? UpdatedBy, string Store);

/// <summary>The answer to a batching change (<c>PUT</c> or <c>DELETE /models/{model}/batching</c>): the options now
/// applied, and their config version.</summary>
public sealed record BatchingState(BatchingOptions Batching, BatchingConfigInfo Config);
