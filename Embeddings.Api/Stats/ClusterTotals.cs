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
        // A ratio over the cluster is the ratio of the counts added up: each replica's ratio weighted by its denominator.
        double Weighted(Func<ModelLiveStats, double> ratio, Func<ModelLiveStats, double> denominator)
        {
            var weight = model.Sum(denominator);
            return weight > 0 ? model.Sum(m => ratio(m) * denominator(m)) / weight : model.Average(ratio);
        }

        // The cluster's percentiles come from every replica's observations together, not from the replicas' percentiles.
        var latency = BucketCounts.Sum(model.Select(m => m.LatencyBuckets));
        var queue = BucketCounts.Sum(model.Select(m => m.QueueBuckets));
        double Ms(BucketCounts? histogram, double q) => (histogram?.Quantile(q) ?? 0) * 1000;
        return new ModelLiveStats(
            model.Key,
            model.Sum(m => m.ItemsPerSecond),
            Ms(latency, 0.5),
            Ms(latency, 0.95),
            Ms(latency, 0.99),
            Ms(queue, 0.5),
            Ms(queue, 0.95),
            Ms(queue, 0.99),
            Weighted(m => m.AverageBatchSize, m => m.BatchesPerSecond),
            Weighted(m => m.PaddingEfficiency, m => m.PaddedTokensPerSecond),
            model.Sum(m => m.QueueDepth),
            model.Sum(m => m.InFlightBatches),
            Weighted(m => m.CacheHitRatio, m => m.CacheLookupsPerSecond),
            string.Join(", ", model.Select(m => m.ExecutionProvider).Distinct()),
            model.Max(m => m.ConfigVersion),
            latency,
            queue,
            model.Sum(m => m.BatchesPerSecond),
            model.Sum(m => m.PaddedTokensPerSecond),
            model.Sum(m => m.CacheLookupsPerSecond),
            model.Sum(m => m.SlotsBusy),
            model.Sum(m => m.Slots),
            model.Max(m => m.TargetP95Ms),
            model.Average(m => m.EffectiveMaxBatchSize),
            model.Average(m => m.EffectiveMaxWaitMs));
    }
}
