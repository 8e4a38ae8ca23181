using System.Buffers;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;

namespace Embeddings.Api.Cache;

/// <summary>
/// The cache's second level: Redis, behind a guard so that a slow or absent Redis costs a request almost nothing.
/// While the shared connection is down every call is a miss (or a skipped write) at once; a read that takes longer
/// than <c>readTimeout</c> is a miss; a failed write is dropped. Not disposable on purpose: the connection belongs
/// to the app (RedisCache would dispose it).
/// </summary>
public sealed class GuardedRedisCache(IConnectionMultiplexer redis, TimeSpan readTimeout) : IBufferDistributedCache
{
    private readonly IBufferDistributedCache _inner = new RedisCache(Microsoft.Extensions.Options.Options.Create(new RedisCacheOptions
    {
        ConnectionMultiplexerFactory = () => Task.FromResult(redis),
        InstanceName = "embeddings:cache:",
    }));

    public byte[]? Get(string key)
    {
        try
        {
            return redis.IsConnected ? _inner.Get(key) : null; // bounded by the connection's sync timeout
        }
        catch (RedisException)
        {
            return null;
        }
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        if (!redis.IsConnected)
        {
            return null;
        }

        try
        {
            // Through byte[]: an abandoned read can never write into a buffer the caller has moved on from.
            return await _inner.GetAsync(key, token).WaitAsync(readTimeout, token);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    public bool TryGet(string key, IBufferWriter<byte> destination)
    {
        if (Get(key) is not { } value)
        {
            return false;
        }

        destination.Write(value);
        return true;
    }

    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        if (await GetAsync(key, token) is not { } value)
        {
            return false;
        }

        destination.Write(value);
        return true;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => Guard(() => _inner.Set(key, value, options));

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        Guard(() => _inner.SetAsync(key, value, options, token));

    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options) => Guard(() => _inner.Set(key, value, options));

    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        await Guard(() => _inner.SetAsync(key, value, options, token).AsTask());

    public void Refresh(string key) => Guard(() => _inner.Refresh(key));

    public Task RefreshAsync(string key, CancellationToken token = default) => Guard(() => _inner.RefreshAsync(key, token));

    public void Remove(string key) => Guard(() => _inner.Remove(key));

    public Task RemoveAsync(string key, CancellationToken token = default) => Guard(() => _inner.RemoveAsync(key, token));

    private void Guard(Action write)
    {
        try
        {
            if (redis.IsConnected)
            {
                write();
            }
        }
        catch (RedisException)
        {
            // As below.
        }
    }

    private async Task Guard(Func<Task> write)
    {
        if (!redis.IsConnected)
        {
            return;
        }

        try
        {
            await write();
        }
        catch (RedisException)
        {
            // A write the cache can do without: the vector stays in this replica's level, and is computed again elsewhere.
        }
    }
}
