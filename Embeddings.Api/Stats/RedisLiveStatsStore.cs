using System.Text.Json;
using Embeddings.Api.Contracts;
using Embeddings.Contracts;
using StackExchange.Redis;

namespace Embeddings.Api.Stats;

/// <summary>
/// Replicas' live stats in Redis: each replica writes its latest to <c>embeddings:replica:{id}</c> with a TTL of a few
/// seconds and scores itself in the sorted set <c>embeddings:replicas</c>; a replica that stops (or dies) ages out.
/// Reading takes the replicas seen within the TTL. While Redis is unreachable, this replica's own stats are returned.
/// </summary>
public sealed class RedisLiveStatsStore(IConnectionMultiplexer redis, ReplicaIdentity replica, TimeProvider time)
    : ILiveStatsStore, IHostedService
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    private static readonly RedisKey Index = "embeddings:replicas";

    private readonly LocalLiveStatsStore _local = new(time);

    public static RedisKey Key(string replicaId) => $"embeddings:replica:{replicaId}";

    public async Task PublishAsync(ReplicaStats stats, CancellationToken ct)
    {
        await _local.PublishAsync(stats, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var db = redis.GetDatabase();
        var batch = db.CreateBatch();
        var writes = new Task[]
        {
            batch.StringSetAsync(Key(stats.ReplicaId), JsonSerializer.SerializeToUtf8Bytes(stats, ApiJsonContext.Default.ReplicaStats), Ttl),
            batch.SortedSetAddAsync(Index, stats.ReplicaId, now),
            batch.SortedSetRemoveRangeByScoreAsync(Index, double.NegativeInfinity, now - (10 * Ttl.TotalMilliseconds)),
        };
        batch.Execute();
        await Task.WhenAll(writes);
    }

    public async Task<ClusterStats> ReadAsync(CancellationToken ct)
    {
        if (!redis.IsConnected)
        {
            return await _local.ReadAsync(ct);
        }

        try
        {
            var db = redis.GetDatabase();
            var since = time.GetUtcNow().Subtract(Ttl).ToUnixTimeMilliseconds();
            var ids = await db.SortedSetRangeByScoreAsync(Index, since, double.PositiveInfinity);
            var values = ids.Length == 0 ? [] : await db.StringGetAsync([.. ids.Select(id => Key(id.ToString()))]);
            var replicas = values
                .Where(v => v.HasValue)
                .Select(v => JsonSerializer.Deserialize((byte[])v!, ApiJsonContext.Default.ReplicaStats)!)
                .OrderBy(r => r.ReplicaId, StringComparer.Ordinal)
                .ToList();
            return ClusterTotals.Of(time.GetUtcNow(), replicas);
        }
        catch (RedisException)
        {
            return await _local.ReadAsync(ct);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A replica that stops leaves at once rather than at the end of its TTL.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            var db = redis.GetDatabase();
            await Task.WhenAll(db.KeyDeleteAsync(Key(replica.Id)), db.SortedSetRemoveAsync(Index, replica.Id));
        }
        catch (RedisException)
        {
            // Redis is away: the entry ages out by itself.
        }
    }
}
