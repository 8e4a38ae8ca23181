using System.Globalization;

namespace Embeddings.Benchmarks.Http;

/// <summary>The batching options one server configuration runs with (sent with PUT /models/{model}/batching).</summary>
public sealed record ServerSettings(
    int MaxBatchSize = 32,
    int MaxWaitMs = 5,
    int MaxBatchTokens = 4096,
    int MaxConcurrentBatches = 2,
    bool SortByLength = true)
{
    public object ToPatch() => new
    {
        maxBatchSize = MaxBatchSize,
        maxWaitMs = MaxWaitMs,
        maxBatchTokens = MaxBatchTokens,
        maxConcurrentBatches = MaxConcurrentBatches,
        sortByLength = SortByLength,
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"batch {MaxBatchSize}, wait {MaxWaitMs} ms, tokens {MaxBatchTokens}, {MaxConcurrentBatches} runners, {(SortByLength ? "sorted" : "arrival")}");
}
