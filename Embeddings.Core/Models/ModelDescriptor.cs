namespace Embeddings.Core.Models;

public enum PoolingMode
{
    Mean,
    Cls,
}

/// <summary>What a model is and how it runs; shown on GET /models.</summary>
public sealed record ModelDescriptor(
    string Id,
    int Dimensions,
    int MaxTokens,
    PoolingMode Pooling,
    bool Normalize,
    string ExecutionProvider,
    IReadOnlyDictionary<string, string> Prompts)
{
    /// <summary>A short revision string (for example a hash prefix of the weights); part of cache keys.</summary>
    public string Revision { get; init; } = "1";
}
