using Embeddings.Contracts;
using Embeddings.Core.Batching;

namespace Embeddings.Core.Tests.Batching;

/// <summary>The live stats' percentiles: bucket counts read with histogram_quantile's maths, and summed across replicas.</summary>
public class BucketCountsTests
{
    private static readonly double[] Bounds = [1, 2, 4, 8];

    [Theory]
    [InlineData(0.1, 1)] // rank 10: the first bucket's 10, interpolated from 0
    [InlineData(0.5, 2 + (2 * 20.0 / 30))] // rank 50: 20 into the 30 of (2, 4]
    [InlineData(0.95, 4 + (4 * 35.0 / 40))] // rank 95: 35 into the 40 of (4, 8]
    [InlineData(1, 8)]
    public void A_quantile_is_interpolated_within_its_bucket(double q, double expected)
    {
        var counts = new BucketCounts(Bounds, [10, 20, 30, 40, 0]);

        Assert.Equal(expected, counts.Quantile(q), 12);
    }

    [Fact]
    public void A_quantile_in_the_infinite_bucket_is_the_highest_bound_and_no_observations_read_as_zero()
    {
        Assert.Equal(8, new BucketCounts(Bounds, [1, 0, 0, 0, 9]).Quantile(0.5));
        Assert.Equal(0, new BucketCounts(Bounds, [0, 0, 0, 0, 0]).Quantile(0.95));
    }

    [Fact]
    public void A_value_on_a_bound_counts_in_that_bucket_as_le_does()
    {
        var counter = new BucketCounter(Bounds);
        foreach (var value in new[] { 0.5, 1, 1.5, 8, 9 })
        {
            counter.Record(value);
        }

        Assert.Equal([2, 1, 0, 1, 1], counter.Snapshot().Counts);
    }

    [Fact]
    public void Uniform_observations_split_over_replicas_give_the_distribution_s_own_percentiles_once_merged()
    {
        // 10,000 waits spread evenly over (0, 1] s, dealt round-robin to three replicas. Within each bucket the values are
        // uniform, so interpolation finds the true quantiles: p50 = 0.5, p95 = 0.95, p99 = 0.99.
        var replicas = Enumerable.Range(0, 3).Select(_ => new BucketCounter(EmbeddingsMeter.SecondsBuckets)).ToArray();
        for (var i = 1; i <= 10_000; i++)
        {
            replicas[i % 3].Record(i / 10_000.0);
        }

        var cluster = BucketCounts.Sum(replicas.Select(r => r.Snapshot()))!;

        Assert.Equal(10_000, cluster.Total);
        Assert.Equal(0.5, cluster.Quantile(0.5), 9);
        Assert.Equal(0.95, cluster.Quantile(0.95), 9);
        Assert.Equal(0.99, cluster.Quantile(0.99), 9);
    }

    [Fact]
    public void The_cluster_p95_counts_every_replica_s_observations_not_the_slowest_replica_s_p95()
    {
        // A busy fast replica (950 waits up to 10 ms) and an idle slow one (50 waits of 0.5 to 1 s): 95% of the cluster's
        // waits are under 10 ms, though the slow replica's own p95 is near 1 s.
        var fast = new BucketCounter(EmbeddingsMeter.SecondsBuckets);
        var slow = new BucketCounter(EmbeddingsMeter.SecondsBuckets);
        for (var i = 0; i < 950; i++)
        {
            fast.Record(0.006);
        }

        for (var i = 0; i < 50; i++)
        {
            slow.Record(0.75);
        }

        var cluster = BucketCounts.Sum([fast.Snapshot(), slow.Snapshot()])!;

        Assert.Equal(0.975, slow.Snapshot().Quantile(0.95), 9);
        Assert.Equal(0.01, cluster.Quantile(0.95), 9); // rank 950 is the top of (5 ms, 10 ms]
        Assert.InRange(cluster.Quantile(0.99), 0.5, 1);
    }

    [Fact]
    public void A_window_is_the_difference_of_two_snapshots_and_other_buckets_are_left_out_of_a_sum()
    {
        var counter = new BucketCounter(Bounds);
        counter.Record(1);
        var before = counter.Snapshot();
        counter.Record(3);
        counter.Record(3);

        var window = counter.Snapshot().Since(before);
        var other = new BucketCounts([1, 10], [5, 5, 5]);

        Assert.Equal([0, 0, 2, 0, 0], window.Counts);
        Assert.Same(window, BucketCounts.Sum([window, other, null])); // the only one with these buckets
        Assert.Null(BucketCounts.Sum([]));
    }
}
