using Embeddings.Contracts;

namespace Embeddings.Api.Stats;

/// <summary>Without Redis, the cluster is this replica alone.</summary>
public sealed class LocalLiveStatsStore(TimeProvider time) : ILiveStatsStore
{
    private ReplicaStats? _latest;

    public Task PublishAsync(ReplicaStats stats, CancellationToken ct)
    {
        Volatile.Write(ref _latest, stats);
        return Task.CompletedTask;
    }

    public Task<ClusterStats> ReadAsync(CancellationToken ct)
    {
        IReadOnlyList<ReplicaStats> replicas = Volatile.Read(ref _latest) is { } latest ? [latest] : [];
        return Task.FromResult(ClusterTotals.Of(time.GetUtcNow(), replicas));
    }
}
