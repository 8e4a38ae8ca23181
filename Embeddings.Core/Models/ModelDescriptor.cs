using Embeddings.Contracts;

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
    /// <summary>The prefix of the named prompt ("" for none). The one check of prompt names: an unknown one is an
    /// <see cref="InvalidInputException"/> that lists the known ones.</summary>
    public string PromptPrefix(string? prompt)
    {
        if (prompt is null)
        {
            return "";
        }

        if (Prompts.TryGetValue(prompt, out var prefix))
        {
            return prefix;
        }

        var known = Prompts.Count == 0 ? "it has none" : "its prompts: " + string.Join(", ", Prompts.Keys.Order(StringComparer.Ordinal));
        throw new InvalidInputException($"Model '{Id}' has no prompt '{prompt}'; {known}.");
    }

    /// <summary>A short revision string (for example a hash prefix of the weights); part of cache keys.</summary>
    public string Revision { get; init; } = "1";

    /// <summary><see cref="Precisions.Fp32"/> or <see cref="Precisions.Int8"/>; part of cache keys.</summary>
    public string Precision { get; init; } = Precisions.Fp32;

    /// <summary>For a reduced precision, how close its vectors are to fp32's; null for fp32.</summary>
    public PrecisionQuality? Quality { get; init; }
}
