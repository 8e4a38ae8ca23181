using Embeddings.Contracts;

namespace Embeddings.Api.Stats;

/// <summary>Where replicas leave their live stats, and where <c>GET /stats</c> reads every replica's back.</summary>
public interface ILiveStatsStore
{
    /// <summary>Records this replica's latest stats (about once a second); they age out a few seconds after the last one.</summary>
    Task PublishAsync(ReplicaStats stats, CancellationToken ct);

    /// <summary>Every live replica's latest stats, and their sum per model.</summary>
    Task<ClusterStats> ReadAsync(CancellationToken ct);
}
