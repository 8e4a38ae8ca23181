using Embeddings.Core.Models;

namespace Embeddings.Core.Onnx;

/// <summary>Everything needed to load one ONNX embedding model, resolved from configuration.</summary>
public sealed record OnnxModelSettings(
    string Id,
    string ModelPath,
    string VocabPath,
    PoolingMode Pooling,
    bool Normalize,
    int MaxTokens,
    IReadOnlyDictionary<string, string> Prompts)
{
    /// <summary>Expected vector size; null takes the graph's.</summary>
    public int? Dimensions { get; init; }

    /// <summary><see cref="ExecutionProviders.Cpu"/> or <see cref="ExecutionProviders.Cuda"/>.</summary>
    public string ExecutionProvider { get; init; } = ExecutionProviders.Cpu;

    /// <summary>Threads per run; 0 lets ONNX Runtime choose (one per core).</summary>
    public int IntraOpThreads { get; init; } = 1;

    public bool LowerCase { get; init; } = true;

    /// <summary>SHA-256 (hex) of <see cref="ModelPath"/> where already known; computed at load otherwise.</summary>
    public string? ModelSha256 { get; init; }

    /// <summary>The encoder's sizes where known (built-ins); otherwise read from the folder's <c>config.json</c>.</summary>
    public ModelShape? Shape { get; init; }

    /// <summary>The most working memory one batch may take, in MiB.</summary>
    public int MaxBatchMemoryMB { get; init; } = ModelOptions.DefaultMaxBatchMemoryMB;
}
