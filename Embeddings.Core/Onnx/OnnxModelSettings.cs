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

    /// <summary>SHA-256 (hex) of the fp32 model file where already known; computed from <see cref="ModelPath"/> at load
    /// otherwise. It names the model's weights (its revision), whatever the precision.</summary>
    public string? ModelSha256 { get; init; }

    /// <summary>The encoder's sizes where known (built-ins); otherwise read from the folder's <c>config.json</c>.</summary>
    public ModelShape? Shape { get; init; }

    /// <summary>The most working memory one batch may take, in MiB.</summary>
    public int MaxBatchMemoryMB { get; init; } = ModelOptions.DefaultMaxBatchMemoryMB;

    /// <summary><see cref="Precisions.Fp32"/> or <see cref="Precisions.Int8"/>. For int8, <see cref="ModelPath"/> is the
    /// built int8 graph (see <see cref="Quantization.Int8ModelStore"/>).</summary>
    public string Precision { get; init; } = Precisions.Fp32;

    /// <summary>The int8 graph's measured closeness to fp32; null for fp32.</summary>
    public Embeddings.Contracts.PrecisionQuality? Quality { get; init; }
}
