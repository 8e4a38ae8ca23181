namespace Embeddings.Contracts;

/// <summary>How one model's queue batches. Immutable; a live change swaps in a new instance.
/// <see cref="Validate"/> holds every rule: the one check that the engine, the API, the config store and the admin share.</summary>
public sealed record BatchingOptions
{
    public const int MaxBatchSizeLimit = 4096;
    public const int MaxWaitMsLimit = 60_000;
    public const int MaxBatchTokensLimit = 16_777_216;
    public const int MaxQueueLengthLimit = 1_000_000;
    public const int MaxConcurrentBatchesLimit = 256;

    /// <summary>A runner takes a batch once this many inputs wait, and no batch holds more.</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>...or once the oldest input has waited this long.</summary>
    public int MaxWaitMs { get; init; } = 5;

    /// <summary>No batch's padded cost (longest tokens × count) passes this, unless one input alone does. 4096 measured
    /// faster than 16384 on CPU (BENCHMARKS.md) and bounds ONNX Runtime's memory, which grows to the largest batch shape.</summary>
    public int MaxBatchTokens { get; init; } = 4096;

    /// <summary>With <see cref="SortByLength"/>, an input joins a batch only while real ÷ padded tokens stays at or above
    /// this (0 to 1): the batch is chosen for its padding, not just cut from the oldest inputs. From BENCHMARKS.md.</summary>
    public double MinPaddingEfficiency { get; init; } = 0.9;

    /// <summary>Inputs queued beyond this are refused (429).</summary>
    public int MaxQueueLength { get; init; } = 4096;

    /// <summary>Runners of this model: batches that may run at once.</summary>
    public int MaxConcurrentBatches { get; init; } = Environment.ProcessorCount;

    /// <summary>When no batch of this model is running, dispatch what waits at once instead of waiting
    /// <see cref="MaxWaitMs"/>: an idle model answers a lone request without delay, and batches still form while it is busy.</summary>
    public bool DispatchWhenIdle { get; init; }

    /// <summary>Choose each batch by token length (closest to the oldest input). Off only to measure arrival order.</summary>
    public bool SortByLength { get; init; } = true;

    /// <summary>Returns every rule these options break; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxBatchSize is < 1 or > MaxBatchSizeLimit) errors.Add($"maxBatchSize must be between 1 and {MaxBatchSizeLimit} (was {MaxBatchSize}).");
        if (MaxWaitMs is < 0 or > MaxWaitMsLimit) errors.Add($"maxWaitMs must be between 0 and {MaxWaitMsLimit} (was {MaxWaitMs}).");
        if (MaxBatchTokens is < 1 or > MaxBatchTokensLimit) errors.Add($"maxBatchTokens must be between 1 and {MaxBatchTokensLimit} (was {MaxBatchTokens}).");
        if (!(MinPaddingEfficiency is >= 0 and <= 1)) errors.Add($"minPaddingEfficiency must be between 0 and 1 (was {MinPaddingEfficiency}).");
        if (MaxQueueLength is < 1 or > MaxQueueLengthLimit) errors.Add($"maxQueueLength must be between 1 and {MaxQueueLengthLimit} (was {MaxQueueLength}).");
        if (MaxConcurrentBatches is < 1 or > MaxConcurrentBatchesLimit) errors.Add($"maxConcurrentBatches must be between 1 and {MaxConcurrentBatchesLimit} (was {MaxConcurrentBatches}).");
        return errors;
    }
}
