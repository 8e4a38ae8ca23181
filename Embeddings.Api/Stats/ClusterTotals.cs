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
        return new ModelLiveStats(
            model.Key,
            rate,
            model.Max(m => m.LatencyP50Ms),
            model.Max(m => m.LatencyP95Ms),
            model.Max(m => m.LatencyP99Ms),
            model.Max(m => m.QueueP50Ms),
            model.Max(m => m.QueueP95Ms),
            model.Max(m => m.QueueP99Ms),
            Weighted(m => m.AverageBatchSize),
            Weighted(m => m.PaddingEfficiency),
            model.Sum(m => m.QueueDepth),
            model.Sum(m => m.InFlightBatches),
            Weighted(m => m.CacheHitRatio),
            string.Join(", ", model.Select(m => m.ExecutionProvider).Distinct()),
            model.Max(m => m.ConfigVersion));
    }
}
