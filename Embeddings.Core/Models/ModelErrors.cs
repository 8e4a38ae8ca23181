namespace Embeddings.Core.Models;

/// <summary>Base of every error the engine or a model reports to a caller (the engine's own are in Batching/EngineErrors.cs).
/// The API maps each type to one status code.</summary>
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
