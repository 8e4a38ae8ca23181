using System.Globalization;
using Embeddings.Contracts;
using Embeddings.Core.Batching;

namespace Embeddings.Benchmarks.Http;

/// <summary>The batching options one server configuration runs with (sent with PUT /models/{model}/batching).</summary>
public sealed record ServerSettings(
    int MaxBatchSize,
    int MaxWaitMs,
    int MaxBatchTokens,
    double MinPaddingEfficiency,
    int MaxConcurrentBatches,
    bool SortByLength = true)
{
    /// <summary>What the API ships with, on this machine (the runner count follows its cores).</summary>
    public static ServerSettings Shipped()
    {
        var shipped = new BatchingOptions();
        return new ServerSettings(shipped.MaxBatchSize, shipped.MaxWaitMs, shipped.MaxBatchTokens, shipped.MinPaddingEfficiency,
            shipped.MaxConcurrentBatches, shipped.SortByLength);
    }

    public object ToPatch() => new
    {
        maxBatchSize = MaxBatchSize,
        maxWaitMs = MaxWaitMs,
        maxBatchTokens = MaxBatchTokens,
        minPaddingEfficiency = MinPaddingEfficiency,
        maxConcurrentBatches = MaxConcurrentBatches,
        sortByLength = SortByLength,
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"batch {MaxBatchSize}, wait {MaxWaitMs} ms, tokens {MaxBatchTokens}, {(SortByLength ? $"by length, min eff. {MinPaddingEfficiency:0.00}" : "arrival order")}, {MaxConcurrentBatches} runners");
}
