using System.Diagnostics.CodeAnalysis;
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
    /// <summary>The prefix of the named prompt ("" for none): the one place prompt names are checked and turned into
    /// text. An unknown name gives an <see cref="InvalidInputException"/> that lists the known ones.</summary>
    public bool TryGetPromptPrefix(string? prompt, out string prefix, [NotNullWhen(false)] out InvalidInputException? unknown)
    {
        unknown = null;
        if (prompt is null)
        {
            prefix = "";
            return true;
        }

        if (Prompts.TryGetValue(prompt, out prefix!))
        {
            return true;
        }

        var known = Prompts.Count == 0 ? "it has none" : "its prompts: " + string.Join(", ", Prompts.Keys.Order(StringComparer.Ordinal));
        unknown = new InvalidInputException($"Model '{Id}' has no prompt '{prompt}'; {known}.");
        prefix = "";
        return false;
    }

    /// <summary>A short revision string (for example a hash prefix of the weights); part of cache keys.</summary>
    public string Revision { get; init; } = "1";

    /// <summary>What a batch costs in working memory, and the budget no planned batch passes.</summary>
    public Batching.BatchMemory Memory { get; init; } = Batching.BatchMemory.Unlimited;
    /// <summary><see cref="Precisions.Fp32"/> or <see cref="Precisions.Int8"/>; part of cache keys.</summary>
    public string Precision { get; init; } = Precisions.Fp32;

    /// <summary>For a reduced precision, how close its vectors are to fp32's; null for fp32.</summary>
    public PrecisionQuality? Quality { get; init; }
}
