using Embeddings.Core.Models;

namespace Embeddings.Core.Batching;

/// <summary>How one model's queue batches. Immutable; a live change swaps in a new instance.</summary>
public sealed record BatchingOptions
{
    /// <summary>Dispatch once this many inputs wait.</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>Dispatch once the oldest input has waited this long.</summary>
    public int MaxWaitMs { get; init; } = 5;

    /// <summary>Dispatch before the padded cost (longest tokens x count) would pass this. 4096 measured faster
    /// than 16384 on CPU (BENCHMARKS.md) and bounds ONNX Runtime's memory, which grows to the largest batch shape.</summary>
    public int MaxBatchTokens { get; init; } = 4096;

    /// <summary>Inputs queued beyond this are refused with <see cref="QueueFullException"/>.</summary>
    public int MaxQueueLength { get; init; } = 4096;

    /// <summary>Batches of this model that may run at once.</summary>
    public int MaxConcurrentBatches { get; init; } = Environment.ProcessorCount;

    /// <summary>When no batch of this model is running, dispatch what waits at once instead of waiting
    /// <see cref="MaxWaitMs"/>: an idle model answers a lone request without delay, and batches still form while it is busy.</summary>
    public bool DispatchWhenIdle { get; init; }

    /// <summary>Sort each batch by token count (and split it where that cuts padding). Off only to measure arrival order.</summary>
    public bool SortByLength { get; init; } = true;

    /// <summary>Returns every rule these options break; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxBatchSize is < 1 or > 4096) errors.Add($"maxBatchSize must be between 1 and 4096 (was {MaxBatchSize}).");
        if (MaxWaitMs is < 0 or > 60_000) errors.Add($"maxWaitMs must be between 0 and 60000 (was {MaxWaitMs}).");
        if (MaxBatchTokens is < 1 or > 16_777_216) errors.Add($"maxBatchTokens must be between 1 and 16777216 (was {MaxBatchTokens}).");
        if (MaxQueueLength is < 1 or > 1_000_000) errors.Add($"maxQueueLength must be between 1 and 1000000 (was {MaxQueueLength}).");
        if (MaxConcurrentBatches is < 1 or > 256) errors.Add($"maxConcurrentBatches must be between 1 and 256 (was {MaxConcurrentBatches}).");
        return errors;
    }

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming every broken rule.</summary>
    public BatchingOptions EnsureValid()
    {
        var errors = Validate();
        return errors.Count == 0 ? this : throw new InvalidOptionsException(string.Join(" ", errors));
    }
}
