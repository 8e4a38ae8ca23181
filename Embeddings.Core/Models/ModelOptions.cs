using Embeddings.Contracts;
using Embeddings.Core.Batching;

namespace Embeddings.Core.Models;

/// <summary>
/// One model's configuration. Either <see cref="Source"/> (a built-in, <c>builtin:{id}</c>) or
/// <see cref="Path"/> (a folder holding <c>model.onnx</c> and <c>vocab.txt</c>); an entry whose id is a
/// built-in id may leave both out. Settings left null take the built-in's value, or the general default.
/// </summary>
public sealed class ModelOptions
{
    public const string BuiltInPrefix = "builtin:";

    /// <summary><c>builtin:all-minilm-l6-v2</c> or <c>builtin:arctic-embed-xs</c>.</summary>
    public string? Source { get; set; }

    /// <summary>A folder with <c>model.onnx</c> and <c>vocab.txt</c> (a BERT-family graph taking
    /// <c>input_ids</c>, <c>attention_mask</c> and optionally <c>token_type_ids</c>). Relative to the current directory.</summary>
    public string? Path { get; set; }

    /// <summary>Mean (over real tokens) or Cls. Required for a <see cref="Path"/> model.</summary>
    public PoolingMode? Pooling { get; set; }

    /// <summary>Whether vectors are L2-normalised unless a request says otherwise. Default true.</summary>
    public bool? Normalize { get; set; }

    /// <summary>Most tokens per input, [CLS] and [SEP] included. Default 512 for a <see cref="Path"/> model.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>Expected vector size; checked against the graph's output at load. Null: taken from the graph.</summary>
    public int? Dimensions { get; set; }

    /// <summary>Named prefixes a request may ask for (for example <c>query</c>).</summary>
    public Dictionary<string, string>? Prompts { get; set; }

    /// <summary>Whether the vocabulary is lower-cased before tokenization (uncased BERT). Default true.</summary>
    public bool? LowerCase { get; set; }

    /// <summary><c>cpu</c> (default) or <c>cuda</c>. <c>cuda</c> falls back to cpu, with a warning, where it cannot load.</summary>
    public string ExecutionProvider { get; set; } = ExecutionProviders.Cpu;

    /// <summary><c>fp32</c> (default) or <c>int8</c>: int8 serves a graph quantized from the fp32 one at first start (built
    /// once, stored beside the model, its quality to fp32 measured and shown on GET /models). CPU provider only.</summary>
    public string Precision { get; set; } = Precisions.Fp32;

    /// <summary>Threads one ONNX Runtime run may use. Default 1: on few cores, several single-threaded
    /// runs at once (<see cref="BatchingOptions.MaxConcurrentBatches"/>) beat one multi-threaded run.</summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>The most working memory one batch may take, in MiB: the planner never plans a batch over it, whatever
    /// the batching options allow. Null: <see cref="DefaultMaxBatchMemoryMB"/>.</summary>
    public int? MaxBatchMemoryMB { get; set; }

    /// <summary>512 MiB a batch: with a runner per core, about 1 GiB at most on a 2-core machine, on top of the weights.</summary>
    public const int DefaultMaxBatchMemoryMB = 512;

    /// <summary>Batching options this model starts with; null means <c>new BatchingOptions()</c>.</summary>
    public BatchingOptions? Batching { get; set; }

    public bool Enabled { get; set; } = true;
}

/// <summary>The execution provider names that <see cref="ModelOptions.ExecutionProvider"/> and
/// <see cref="ModelDescriptor.ExecutionProvider"/> use.</summary>
public static class ExecutionProviders
{
    public const string Cpu = "cpu";
    public const string Cuda = "cuda";

    public static bool IsKnown(string? name) =>
        string.Equals(name, Cpu, StringComparison.OrdinalIgnoreCase) || string.Equals(name, Cuda, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The names that <see cref="ModelOptions.Precision"/> and <see cref="ModelDescriptor.Precision"/> use.</summary>
public static class Precisions
{
    public const string Fp32 = "fp32";
    public const string Int8 = "int8";

    public static bool IsKnown(string? name) =>
        string.Equals(name, Fp32, StringComparison.OrdinalIgnoreCase) || string.Equals(name, Int8, StringComparison.OrdinalIgnoreCase);

    public static bool IsInt8(string? name) => string.Equals(name, Int8, StringComparison.OrdinalIgnoreCase);
}
