using Embeddings.Contracts;

namespace Embeddings.Admin.Tests.Support;

/// <summary>API answers for the tests, written out by hand (the admin must read what the API writes).</summary>
public static class Data
{
    public const string MiniLm = "all-minilm-l6-v2";
    public const string Arctic = "arctic-embed-xs";
    public static readonly DateTimeOffset Noon = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    public static BatchingOptions Defaults { get; } = new() { MaxBatchSize = 32, MaxWaitMs = 5, MaxConcurrentBatches = 2 };

    /// <summary>A patch that sets one option: <c>Data.Patch(nameof(BatchingOptions.MaxBatchSize), 8)</c>.</summary>
    public static BatchingPatch Patch(string property, object? value) => BatchingPatch.Empty.Set(BatchingOption.Of(property), value);

    public static ModelLiveStats Live(
        string model, double rate, double p50 = 10, double p95 = 20, double batch = 4, int queue = 0, double padding = 0.9,
        double cache = 0.25, long version = 0) =>
        new(model, rate, p50, p95, p95 * 1.2, 1, 2, 3, batch, padding, queue, 1, cache, "cpu", version);

    public static ReplicaStats Replica(string id, params ModelLiveStats[] models) =>
        new(id, $"http://{id}:8080", Noon, models);

    public static ClusterStats Cluster(DateTimeOffset at, IReadOnlyList<ReplicaStats> replicas, params ModelLiveStats[] total) =>
        new(at, replicas, total);

    public static ModelInfo Model(string id, BatchingOptions? batching = null, long version = 0, string? updatedBy = null) => new(
        id, 384, 256, "mean", true, "cpu", "test", new Dictionary<string, string>(), batching ?? Defaults,
        new BatchingConfigInfo(version, version == 0 ? null : Noon, updatedBy, "memory"),
        new ModelStatsSnapshot(id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0));
}
