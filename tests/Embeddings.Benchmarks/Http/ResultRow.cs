namespace Embeddings.Benchmarks.Http;

/// <summary>
/// One configuration's figures, as the table and the JSON show them. Null means "does not apply" (no HTTP, so no
/// request latency) or "not measured". Figures of several rounds are medians; errors are summed. The CPU figures (JSON
/// only) are CPU milliseconds per item answered, of the server process and of the load generator, to see where time goes.
/// <see cref="QueueP99Ms"/> is the p99 of the server's own <c>x-queue-time</c>: how long inputs waited for a batch.
/// </summary>
public sealed record ResultRow(
    string Id,
    string Configuration,
    string Settings,
    string Load,
    double ItemsPerSecond,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms,
    double? QueueP99Ms,
    double? AverageBatchSize,
    double? PaddingEfficiency,
    double? PeakRssMiB,
    int Errors,
    int Items,
    int Rounds,
    string? FirstError = null,
    double? ServerCpuMsPerItem = null,
    double? ClientCpuMsPerItem = null);
