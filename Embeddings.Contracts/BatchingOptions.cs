using System.ComponentModel.DataAnnotations;

namespace Embeddings.Contracts;

/// <summary>
/// How one model's queue batches. Immutable; a live change swaps in a new instance.
/// <para>This record is the one table of batching options: each property is one option, described once, here: its
/// name (camelCase in JSON, in Redis and in error messages), its type, its range (<see cref="RangeAttribute"/>), its
/// default (the initializer), and its label and help text for the admin (<see cref="DisplayAttribute"/>).
/// <see cref="BatchingOption.All"/> reads it, and the rules, the PUT body, the Redis fields, the OpenAPI schema and the
/// admin form are derived from that. Adding an option is adding a property here (an <c>int</c>, <c>double</c> or
/// <c>bool</c>, nullable where null means off) and the code that uses it.</para>
/// <see cref="Validate"/> holds every rule: the one check that the engine, the API, the config store and the admin share.
/// </summary>
public sealed record BatchingOptions
{
    /// <summary>A runner takes a batch once this many inputs wait, and no batch holds more.</summary>
    [Display(Name = "Max batch size", Description = "a batch goes once this many inputs wait; none holds more")]
    [Range(1, 4096)]
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>...or once the oldest input has waited this long.</summary>
    [Display(Name = "Max wait (ms)", Description = "or once the oldest input has waited this long")]
    [Range(0, 60_000)]
    public int MaxWaitMs { get; init; } = 5;

    /// <summary>No batch's padded cost (longest tokens × count) passes this, unless one input alone does. 4096 measured
    /// faster than 16384 on CPU (BENCHMARKS.md) and bounds ONNX Runtime's memory, which grows to the largest batch shape.</summary>
    [Display(Name = "Max batch tokens", Description = "no batch's padded cost (longest × count) passes this")]
    [Range(1, 16_777_216)]
    public int MaxBatchTokens { get; init; } = 4096;

    /// <summary>With <see cref="SortByLength"/>, an input joins a batch only while real ÷ padded tokens stays at or above
    /// this (0 to 1): the batch is chosen for its padding, not just cut from the oldest inputs. From BENCHMARKS.md.</summary>
    [Display(Name = "Min padding efficiency", Description = "real ÷ padded tokens a batch keeps")]
    [Range(0d, 1d)]
    public double MinPaddingEfficiency { get; init; } = 0.9;

    /// <summary>Inputs queued beyond this are refused (429).</summary>
    [Display(Name = "Max queue length", Description = "inputs queued beyond this are refused (429)")]
    [Range(1, 1_000_000)]
    public int MaxQueueLength { get; init; } = 4096;

    /// <summary>The most of the process's inference slots this model may hold at once: a cap on its share.</summary>
    [Display(Name = "Max concurrent batches", Description = "the most inference slots (batches at once) this model may hold")]
    [Range(1, 256)]
    public int MaxConcurrentBatches { get; init; } = Environment.ProcessorCount;

    /// <summary>When no batch of this model is running, dispatch what waits at once instead of waiting
    /// <see cref="MaxWaitMs"/>: an idle model answers a lone request without delay, and batches still form while it is busy.</summary>
    [Display(Name = "Dispatch when idle", Description = "when none of this model's batches runs, send what waits at once instead of waiting")]
    public bool DispatchWhenIdle { get; init; }

    /// <summary>Choose each batch by token length (closest to the oldest input). Off only to measure arrival order, so
    /// the admin form leaves it out (off costs about 3.8x in throughput, BENCHMARKS.md).</summary>
    [Display(Name = "Sort by length", Description = "choose each batch by token length; off only to measure arrival order", AutoGenerateField = false)]
    public bool SortByLength { get; init; } = true;

    /// <summary>A latency goal: when set, the server tunes this model's batch size and wait (within the two options above,
    /// as their upper limits) so the p95 of its inputs' latency stays under it, and refuses (429) what the queue could
    /// not answer in time. Null: off, the options above apply as they are.</summary>
    [Display(Name = "Target p95 (ms)", Description = "tune batch size and wait to keep p95 latency under this, and refuse what cannot make it")]
    [Range(10, 60_000)]
    public int? TargetP95Ms { get; init; }

    /// <summary>Returns every rule these options break; empty when valid. Each message starts with the option's name.</summary>
    public IReadOnlyList<string> Validate() => [.. BatchingOption.All.Select(option => option.Check(this)).OfType<string>()];
}
