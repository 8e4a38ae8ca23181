using System.Text.Json.Serialization;

namespace Embeddings.Contracts;

/// <summary>Body of <c>PUT /models/{model}/batching</c>: any subset of the batching options.</summary>
public sealed record BatchingPatch
{
    [JsonPropertyName("maxBatchSize")]
    public int? MaxBatchSize { get; init; }

    [JsonPropertyName("maxWaitMs")]
    public int? MaxWaitMs { get; init; }

    [JsonPropertyName("maxBatchTokens")]
    public int? MaxBatchTokens { get; init; }

    [JsonPropertyName("minPaddingEfficiency")]
    public double? MinPaddingEfficiency { get; init; }

    [JsonPropertyName("maxQueueLength")]
    public int? MaxQueueLength { get; init; }

    [JsonPropertyName("maxConcurrentBatches")]
    public int? MaxConcurrentBatches { get; init; }

    [JsonPropertyName("dispatchWhenIdle")]
    public bool? DispatchWhenIdle { get; init; }

    /// <summary>Choose batches by token length; off only to measure arrival order.</summary>
    [JsonPropertyName("sortByLength")]
    public bool? SortByLength { get; init; }

    /// <summary>This patch with <paramref name="later"/>'s fields laid over it.</summary>
    public BatchingPatch Then(BatchingPatch later) => new()
    {
        MaxBatchSize = later.MaxBatchSize ?? MaxBatchSize,
        MaxWaitMs = later.MaxWaitMs ?? MaxWaitMs,
        MaxBatchTokens = later.MaxBatchTokens ?? MaxBatchTokens,
        MinPaddingEfficiency = later.MinPaddingEfficiency ?? MinPaddingEfficiency,
        MaxQueueLength = later.MaxQueueLength ?? MaxQueueLength,
        MaxConcurrentBatches = later.MaxConcurrentBatches ?? MaxConcurrentBatches,
        DispatchWhenIdle = later.DispatchWhenIdle ?? DispatchWhenIdle,
        SortByLength = later.SortByLength ?? SortByLength,
    };

    public BatchingOptions ApplyTo(BatchingOptions current) => current with
    {
        MaxBatchSize = MaxBatchSize ?? current.MaxBatchSize,
        MaxWaitMs = MaxWaitMs ?? current.MaxWaitMs,
        MaxBatchTokens = MaxBatchTokens ?? current.MaxBatchTokens,
        MinPaddingEfficiency = MinPaddingEfficiency ?? current.MinPaddingEfficiency,
        MaxQueueLength = MaxQueueLength ?? current.MaxQueueLength,
        MaxConcurrentBatches = MaxConcurrentBatches ?? current.MaxConcurrentBatches,
        DispatchWhenIdle = DispatchWhenIdle ?? current.DispatchWhenIdle,
        SortByLength = SortByLength ?? current.SortByLength,
    };
}
