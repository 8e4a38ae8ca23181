using Embeddings.Contracts;

namespace Embeddings.Api.Stats;

/// <summary>Sums replicas' live stats per model, as <see cref="ClusterStats.Total"/> describes.</summary>
public static class ClusterTotals
{
    public static ClusterStats Of(DateTimeOffset at, IReadOnlyList<ReplicaStats> replicas)
    {
        var total = replicas
            .SelectMany(r => r.Models)
            .GroupBy(m => m.Model, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(Sum)
            .ToList();
        return new ClusterStats(at, replicas, total);
    }

    private static ModelLiveStats Sum(IGrouping<string, ModelLiveStats> model)
    {
        var rate = model.Sum(m => m.ItemsPerSecond);
        double Weighted(Func<ModelLiveStats, double> value) =>
            rate > 0 ? model.Sum(m => value(m) * m.ItemsPerSecond) / rate : model.Average(value);

        // The cluster's percentiles come from every replica's observations together, not from the replicas' percentiles.
        var latency = BucketCounts.Sum(model.Select(m => m.LatencyBuckets));
        var queue = BucketCounts.Sum(model.Select(m => m.QueueBuckets));
        double Ms(BucketCounts? histogram, double q) => (histogram?.Quantile(q) ?? 0) * 1000;
        return new ModelLiveStats(
            model.Key,
            rate,
            Ms(latency, 0.5),
            Ms(latency, 0.95),
            Ms(latency, 0.99),
            Ms(queue, 0.5),
            Ms(queue, 0.95),
            Ms(queue, 0.99),
            Weighted(m => m.AverageBatchSize),
            Weighted(m => m.PaddingEfficiency),
            model.Sum(m => m.QueueDepth),
            model.Sum(m => m.InFlightBatches),
            Weighted(m => m.CacheHitRatio),
            string.Join(", ", model.Select(m => m.ExecutionProvider).Distinct()),
            model.Max(m => m.ConfigVersion),
            latency,
            queue);
    }
}
