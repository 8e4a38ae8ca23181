using System.Buffers;
using Embeddings.Api.Redis;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;

namespace Embeddings.Api.Cache;

/// <summary>
/// The cache's second level: Redis, behind <see cref="RedisGuard"/>, so that a slow or absent Redis costs a request at
/// most its read budget. While Redis is unavailable (disconnected, or stalled since a call failed) a read is a miss
/// at once; a read that outlives <c>readBudget</c> is a miss; writes never make a request wait (they go on in the
/// background, and a failed one is dropped: the vector stays in this replica's level). Not disposable on purpose: the
/// connection belongs to the app (RedisCache would dispose it).
/// </summary>
public sealed class GuardedRedisCache(RedisGuard redis, TimeSpan readBudget) : IBufferDistributedCache
{
    private readonly IBufferDistributedCache _inner = new RedisCache(Microsoft.Extensions.Options.Options.Create(new RedisCacheOptions
    {
        ConnectionMultiplexerFactory = () => Task.FromResult(redis.Connection),
        InstanceName = "embeddings:cache:",
    }));

    /// <summary>A miss: HybridCache reads asynchronously, and a synchronous read would block a thread on Redis.</summary>
    public byte[]? Get(string key) => null;

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        if (!redis.IsAvailable)
        {
            return null;
        }

        // Through byte[]: an abandoned read can never write into a buffer the caller has moved on from.
        var read = await redis.TryAsync(_ => _inner.GetAsync(key, token), token, readBudget);
        return read.Value;
    }

    /// <summary>A miss, as <see cref="Get"/>.</summary>
    public bool TryGet(string key, IBufferWriter<byte> destination) => false;

    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        if (await GetAsync(key, token) is not { } value)
        {
            return false;
        }

        destination.Write(value);
        return true;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) =>
        redis.Forget(_ => _inner.SetAsync(key, value, options));

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return Task.CompletedTask;
    }

    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options) =>
        Set(key, value.ToArray(), options); // copied: the caller's buffer is theirs again once this returns

    public ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return ValueTask.CompletedTask;
    }

    public void Refresh(string key) => redis.Forget(_ => _inner.RefreshAsync(key));

    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        Refresh(key);
        return Task.CompletedTask;
    }

    public void Remove(string key) => redis.Forget(_ => _inner.RemoveAsync(key));

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Remove(key);
        return Task.CompletedTask;
    }
}
