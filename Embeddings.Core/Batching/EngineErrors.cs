using Embeddings.Core.Models;

namespace Embeddings.Core.Batching;

// The engine's refusals and failures: what a caller gets when its input is not embedded. The API maps each type to
// one status code (ErrorTable).

/// <summary>The model's queue is full; try again after <see cref="RetryAfter"/>.</summary>
public sealed class QueueFullException(string modelId, int maxQueueLength, TimeSpan retryAfter)
    : EmbeddingException($"Model '{modelId}' has {maxQueueLength} inputs queued, its limit. Retry after {retryAfter.TotalSeconds:0.###} s.")
{
    public string ModelId { get; } = modelId;
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>The model's queue already holds more than it can answer within its latency target; try again after
/// <see cref="RetryAfter"/>.</summary>
public sealed class OverTargetException(string modelId, int targetMs, TimeSpan expected, TimeSpan retryAfter)
    : EmbeddingException(expected == TimeSpan.MaxValue
        ? $"Model '{modelId}' could not answer within its {targetMs} ms latency target: its queue is full for a model whose cost is not known yet. Retry after {retryAfter.TotalSeconds:0.###} s."
        : $"Model '{modelId}' could not answer within its {targetMs} ms latency target: about {expected.TotalMilliseconds:0} ms of work waits. Retry after {retryAfter.TotalSeconds:0.###} s.")
{
    public string ModelId { get; } = modelId;
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>The processor is shutting down and takes no new work (or, at the end of a drain that ran out of time,
/// gave up on work it had queued).</summary>
public sealed class ShuttingDownException(string message = "The embedding service is shutting down and accepts no new work; retry on another replica.")
    : EmbeddingException(message);

/// <summary>The model failed while running a batch; every caller in that batch gets this.</summary>
public sealed class ModelFailedException(string modelId, Exception inner)
    : EmbeddingException($"Model '{modelId}' failed to run a batch: {inner.Message}", inner)
{
    public string ModelId { get; } = modelId;
}
