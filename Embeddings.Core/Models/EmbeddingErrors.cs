namespace Embeddings.Core.Models;

/// <summary>Base of every error the engine reports to a caller. The API maps each type to one status code.</summary>
public abstract class EmbeddingException : Exception
{
    protected EmbeddingException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>No model with that id is registered.</summary>
public sealed class ModelNotFoundException(string modelId)
    : EmbeddingException($"Model '{(modelId.Length > 80 ? modelId[..80] + "…" : modelId)}' is not registered.")
{
    public string ModelId { get; } = modelId;
}

/// <summary>The input itself is unacceptable (empty, unknown prompt, ...).</summary>
public class InvalidInputException(string message) : EmbeddingException(message);

/// <summary>The input has more tokens than the model takes and truncation is off.</summary>
public sealed class InputTooLongException(string modelId, int tokens, int maxTokens)
    : InvalidInputException($"Input has {tokens} tokens; model '{modelId}' takes at most {maxTokens}. Shorten it or allow truncation.")
{
    public int Tokens { get; } = tokens;
    public int MaxTokens { get; } = maxTokens;
}

/// <summary>Options (batching, or the model catalog at start) that fail validation.</summary>
public sealed class InvalidOptionsException(string message) : EmbeddingException(message);

/// <summary>The model's queue is full; try again after <see cref="RetryAfter"/>.</summary>
public sealed class QueueFullException(string modelId, int maxQueueLength, TimeSpan retryAfter)
    : EmbeddingException($"Model '{modelId}' has {maxQueueLength} inputs queued, its limit. Retry after {retryAfter.TotalSeconds:0.###} s.")
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
