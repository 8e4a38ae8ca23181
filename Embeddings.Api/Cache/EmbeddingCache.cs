using Embeddings.Api.Redis;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Embeddings.Api.Cache;

/// <summary>
/// The result cache, in two levels: this process's memory (<see cref="ApiOptions.CacheEntries"/> vectors), then Redis
/// (when configured), shared by every replica. A request looks all its inputs up at once: memory first, then the misses
/// in Redis in one round trip, which may take at most the read budget (<see cref="CacheOptions.RedisReadTimeoutMs"/>;
/// none at all while <see cref="RedisGuard"/> counts Redis as unavailable). Vectors found in Redis are kept in memory
/// too. Writes never make a request wait: memory at once, Redis in the background. Entries live
/// <see cref="ApiOptions.CacheTtl"/> in both levels.
/// </summary>
public sealed class EmbeddingCache : IDisposable
{
    private const string RedisPrefix = "embeddings:cache:";

    private readonly MemoryCache? _memory;
    private readonly RedisGuard? _redis;
    private readonly TimeSpan _ttl;
    private readonly TimeSpan _readBudget;

    public EmbeddingCache(IOptions<ApiOptions> options, RedisGuard? redis)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        Enabled = o.Cache.Enabled && o.CacheEntries > 0;
        _memory = Enabled ? new MemoryCache(new MemoryCacheOptions { SizeLimit = o.CacheEntries }) : null;
        _redis = Enabled ? redis : null;
        _ttl = o.CacheTtl;
        _readBudget = TimeSpan.FromMilliseconds(o.Cache.RedisReadTimeoutMs);
    }

    /// <summary>False when the cache is turned off: nothing is found and nothing kept.</summary>
    public bool Enabled { get; }

    /// <summary>The vector under each key, or null where neither level has it.</summary>
    public async Task<CachedEmbedding?[]> GetAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        var found = new CachedEmbedding?[keys.Count];
        if (_memory is null)
        {
            return found;
        }

        var misses = new List<int>();
        for (var i = 0; i < keys.Count; i++)
        {
            if (!_memory.TryGetValue(keys[i], out found[i]))
            {
                misses.Add(i);
            }
        }

        if (misses.Count == 0 || _redis is not { IsAvailable: true } redis)
        {
            return found;
        }

        RedisKey[] redisKeys = [.. misses.Select(i => (RedisKey)(RedisPrefix + keys[i]))];
        var read = await redis.TryAsync(db => db.StringGetAsync(redisKeys), ct, _readBudget);
        for (var m = 0; read.HasValue && m < misses.Count; m++)
        {
            if (read.Value![m] is { HasValue: true } value && CachedEmbedding.FromBytes((byte[])value!) is { } vector)
            {
                found[misses[m]] = vector;
                Remember(keys[misses[m]], vector);
            }
        }

        return found;
    }

    /// <summary>Keeps computed vectors: in memory now, in Redis in one pipelined write that nobody waits for.</summary>
    public void Set(IReadOnlyList<(string Key, CachedEmbedding Vector)> entries)
    {
        if (_memory is null || entries.Count == 0)
        {
            return;
        }

        foreach (var (key, vector) in entries)
        {
            Remember(key, vector);
        }

        _redis?.Forget(db =>
        {
            var batch = db.CreateBatch();
            var writes = entries.Select(e => batch.StringSetAsync(RedisPrefix + e.Key, e.Vector.ToBytes(), _ttl)).ToArray();
            batch.Execute();
            return Task.WhenAll(writes);
        });
    }

    public void Dispose() => _memory?.Dispose();

    private void Remember(string key, CachedEmbedding vector) =>
        _memory!.Set(key, vector, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _ttl });
}
