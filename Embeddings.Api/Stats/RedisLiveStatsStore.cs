using System.Text.Json;
using Embeddings.Api.Redis;
using Embeddings.Api.Requests;
using Embeddings.Contracts;
using StackExchange.Redis;

namespace Embeddings.Api.Stats;

/// <summary>
/// Replicas' live stats in Redis: each replica writes its latest to <c>embeddings:replica:{id}</c> with a TTL of a few
/// seconds and scores itself in the sorted set <c>embeddings:replicas</c>; a replica that stops (or dies) ages out.
/// Reading takes the replicas seen within the TTL. While Redis is unavailable, this replica's own stats are returned.
/// </summary>
public sealed class RedisLiveStatsStore(RedisGuard redis, ReplicaIdentity replica, TimeProvider time)
    : ILiveStatsStore, IHostedService
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    /// <summary>The longest a reader of /stats waits for Redis before it takes this replica's own stats.</summary>
    public static readonly TimeSpan ReadBudget = TimeSpan.FromMilliseconds(500);

    private static readonly RedisKey Index = "embeddings:replicas";

    private readonly LocalLiveStatsStore _local = new(time);

    public static RedisKey Key(string replicaId) => $"embeddings:replica:{replicaId}";

    public async Task PublishAsync(ReplicaStats stats, CancellationToken ct)
    {
        await _local.PublishAsync(stats, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await redis.TryAsync(db =>
        {
            var batch = db.CreateBatch();
            var writes = new Task[]
            {
                batch.StringSetAsync(Key(stats.ReplicaId), JsonSerializer.SerializeToUtf8Bytes(stats, ApiJsonContext.Default.ReplicaStats), Ttl),
                batch.SortedSetAddAsync(Index, stats.ReplicaId, now),
                batch.SortedSetRemoveRangeByScoreAsync(Index, double.NegativeInfinity, now - (10 * Ttl.TotalMilliseconds)),
            };
            batch.Execute();
            return Task.WhenAll(writes);
        }, ct);
    }

    public async Task<ClusterStats> ReadAsync(CancellationToken ct)
    {
        var since = time.GetUtcNow().Subtract(Ttl).ToUnixTimeMilliseconds();
        var read = await redis.TryAsync(async db =>
        {
            var ids = await db.SortedSetRangeByScoreAsync(Index, since, double.PositiveInfinity);
            return ids.Length == 0 ? [] : await db.StringGetAsync([.. ids.Select(id => Key(id.ToString()))]);
        }, ct, ReadBudget);
        if (!read.HasValue)
        {
            return await _local.ReadAsync(ct);
        }

        var replicas = read.Value!
            .Where(v => v.HasValue)
            .Select(v => JsonSerializer.Deserialize((byte[])v!, ApiJsonContext.Default.ReplicaStats)!)
            .OrderBy(r => r.ReplicaId, StringComparer.Ordinal)
            .ToList();
        return ClusterTotals.Of(time.GetUtcNow(), replicas);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A replica that stops leaves at once rather than at the end of its TTL (if Redis answers within a second;
    /// otherwise the entry ages out by itself).</summary>
    public Task StopAsync(CancellationToken cancellationToken) => redis.TryAsync(
        db => Task.WhenAll(db.KeyDeleteAsync(Key(replica.Id)), db.SortedSetRemoveAsync(Index, replica.Id)),
        CancellationToken.None,
        TimeSpan.FromSeconds(1));
}
