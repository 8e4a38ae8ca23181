using Embeddings.Api.Stats;
using Embeddings.Contracts;
using Embeddings.Core.Batching;

namespace Embeddings.Api.Tests;

/// <summary>/stats' total per model: the cluster's percentiles come from the replicas' buckets added up.</summary>
public sealed class ClusterTotalsTests
{
    [Fact]
    public void The_total_s_percentiles_are_read_from_every_replica_s_buckets_together()
    {
        // A busy replica whose requests take up to 50 ms and a quiet one whose requests take a second: the slow one's p95
        // is near a second, the cluster's (95% of all requests) is the top of the fast ones' bucket.
        var fast = Replica("fast", Buckets(0.04, 950), Buckets(0.004, 950));
        var slow = Replica("slow", Buckets(0.9, 50), Buckets(0.7, 50));

        var total = ClusterTotals.Of(DateTimeOffset.UnixEpoch, [fast, slow]).Total.Single();

        var latency = BucketCounts.Sum([fast.Models[0].LatencyBuckets, slow.Models[0].LatencyBuckets])!;
        Assert.Equal(1000, latency.Total);
        Assert.Equal(latency.Counts, total.LatencyBuckets!.Counts);
        Assert.Equal(50, total.LatencyP95Ms, 9); // rank 950 is the top of (25 ms, 50 ms]
        Assert.Equal(latency.Quantile(0.99) * 1000, total.LatencyP99Ms, 9);
        Assert.Equal(5, total.QueueP95Ms, 9);
        Assert.True(slow.Models[0].LatencyP95Ms > 900, "the slow replica's own p95");
    }

    [Fact]
    public void A_replica_without_buckets_adds_nothing_to_the_percentiles()
    {
        var current = Replica("current", Buckets(0.04, 10), Buckets(0.004, 10));
        var older = current with { ReplicaId = "older", Models = [current.Models[0] with { LatencyBuckets = null, QueueBuckets = null, LatencyP95Ms = 9999 }] };

        var total = ClusterTotals.Of(DateTimeOffset.UnixEpoch, [current, older]).Total.Single();

        Assert.Equal(current.Models[0].LatencyP95Ms, total.LatencyP95Ms, 9);
        Assert.Equal(current.Models[0].QueueP50Ms, total.QueueP50Ms, 9);
    }

    [Fact]
    public void The_total_s_ratios_are_the_ratios_of_the_replicas_counts_added_up()
    {
        // A: 100 items/s in batches of 10 (10 batches/s), padding 0.5 of 2000 tokens/s, 20 cache lookups/s, all hits.
        // B: 100 items/s in batches of 1 (100 batches/s), padding 1.0 of 200 tokens/s, 180 lookups/s, none hit.
        var a = Stats("a", items: 100, batchSize: 10, batches: 10, efficiency: 0.5, padded: 2000, hitRatio: 1, lookups: 20);
        var b = Stats("b", items: 100, batchSize: 1, batches: 100, efficiency: 1.0, padded: 200, hitRatio: 0, lookups: 180);

        var total = ClusterTotals.Of(DateTimeOffset.UnixEpoch, [a, b]).Total.Single();

        Assert.Equal(200, total.ItemsPerSecond, 9);
        Assert.Equal(200.0 / 110, total.AverageBatchSize, 9); // 200 items in 110 batches, not the mean of 10 and 1
        Assert.Equal((1000.0 + 200) / 2200, total.PaddingEfficiency, 9); // real tokens over padded tokens, all replicas
        Assert.Equal(20.0 / 200, total.CacheHitRatio, 9); // 20 hits of 200 lookups
        Assert.Equal((110, 2200, 200), (total.BatchesPerSecond, total.PaddedTokensPerSecond, total.CacheLookupsPerSecond));
    }

    private static ReplicaStats Stats(
        string id, double items, double batchSize, double batches, double efficiency, double padded, double hitRatio, double lookups) =>
        new(id, null, DateTimeOffset.UnixEpoch,
        [
            new ModelLiveStats("all-minilm-l6-v2", items, 0, 0, 0, 0, 0, 0, batchSize, efficiency, 0, 0, hitRatio, "cpu", 1,
                BatchesPerSecond: batches, PaddedTokensPerSecond: padded, CacheLookupsPerSecond: lookups),
        ]);

    private static BucketCounts Buckets(double seconds, int count)
    {
        var counter = new BucketCounter(EmbeddingsMeter.SecondsBuckets);
        for (var i = 0; i < count; i++)
        {
            counter.Record(seconds);
        }

        return counter.Snapshot();
    }

    private static ReplicaStats Replica(string id, BucketCounts latency, BucketCounts queue) => new(id, null, DateTimeOffset.UnixEpoch,
    [
        new ModelLiveStats("all-minilm-l6-v2", ItemsPerSecond: 1,
            latency.Quantile(0.5) * 1000, latency.Quantile(0.95) * 1000, latency.Quantile(0.99) * 1000,
            queue.Quantile(0.5) * 1000, queue.Quantile(0.95) * 1000, queue.Quantile(0.99) * 1000,
            AverageBatchSize: 1, PaddingEfficiency: 1, QueueDepth: 0, InFlightBatches: 0, CacheHitRatio: 0,
            ExecutionProvider: "cpu", ConfigVersion: 1, LatencyBuckets: latency, QueueBuckets: queue),
    ]);
}
