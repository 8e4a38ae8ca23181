using Embeddings.Api.Redis;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace Embeddings.Api.Cache;

public static class CacheExtensions
{
    /// <summary>About what one cached 384-dimension vector takes in the in-process level, in bytes.</summary>
    public const int BytesPerVector = sizeof(int) + (384 * sizeof(float));

    private const string RedisLevel = "embeddings-redis-level";

    /// <summary>
    /// The result cache: HybridCache, with this process's memory (bounded by <see cref="ApiOptions.CacheEntries"/>) as
    /// its first level and, when <paramref name="withRedis"/>, Redis (through <see cref="GuardedRedisCache"/>) as its
    /// second, shared by every replica; entries live <see cref="ApiOptions.CacheTtl"/>; vectors are stored in binary.
    /// </summary>
    public static IServiceCollection AddEmbeddingsCache(this IServiceCollection services, bool withRedis)
    {
        services.AddMemoryCache(); // sized below, from the options
        services.AddOptions<Microsoft.Extensions.Caching.Memory.MemoryCacheOptions>().Configure<IOptions<ApiOptions>>(
            (memory, api) => memory.SizeLimit = Math.Max(1L, (long)api.Value.CacheEntries * BytesPerVector));
        if (withRedis)
        {
            services.AddKeyedSingleton<IDistributedCache>(RedisLevel, (sp, _) => new GuardedRedisCache(
                sp.GetRequiredService<RedisGuard>(),
                TimeSpan.FromMilliseconds(sp.GetRequiredService<IOptions<ApiOptions>>().Value.Cache.RedisReadTimeoutMs)));
        }

        services.AddHybridCache(options =>
        {
            options.DistributedCacheServiceKey = withRedis ? RedisLevel : null;
            options.MaximumPayloadBytes = 1 << 20;
        }).AddSerializer<CachedEmbedding, CachedEmbeddingSerializer>();
        return services;
    }

    /// <summary>How each vector is cached: both levels for <see cref="ApiOptions.CacheTtl"/>, or, with the cache off,
    /// neither (identical inputs in flight still share one computation).</summary>
    public static HybridCacheEntryOptions EntryOptions(ApiOptions options) => options.Cache.Enabled && options.CacheEntries > 0
        ? new HybridCacheEntryOptions { Expiration = options.CacheTtl, LocalCacheExpiration = options.CacheTtl }
        : new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableLocalCache | HybridCacheEntryFlags.DisableDistributedCache };
}
