using System.Diagnostics.Metrics;
using Embeddings.Api.Redis;
using Embeddings.Core.Batching;

namespace Embeddings.Api.Metrics;

public static class RedisGauge
{
    /// <summary>
    /// <c>embeddings_redis_up</c>: 1 while Redis answers this replica, 0 while it is unreachable or stalled (when /health
    /// says Degraded: the same test, <see cref="RedisGuard.IsAvailable"/>). Only where Redis is configured; without it
    /// there is nothing to be unreachable.
    /// </summary>
    public static void Create(IServiceProvider services)
    {
        if (services.GetService<RedisGuard>() is not { } redis)
        {
            return;
        }

        services.GetRequiredService<IMeterFactory>().Create(EmbeddingsMeter.Name).CreateObservableGauge("redis_up",
            () => redis.IsAvailable ? 1 : 0,
            "1", "1 while Redis answers this replica; 0 while it is unreachable or stalled (health Degraded).");
    }
}
