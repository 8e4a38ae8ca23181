using System.Diagnostics.Metrics;
using Embeddings.Core.Batching;
using StackExchange.Redis;

namespace Embeddings.Api.Metrics;

public static class RedisGauge
{
    /// <summary>
    /// <c>embeddings_redis_up</c>: 1 while this replica is connected to Redis, 0 while Redis is unreachable (when /health
    /// says Degraded: the same test). Only where Redis is configured; without it there is nothing to be unreachable.
    /// </summary>
    public static void Create(IServiceProvider services)
    {
        if (services.GetService<IServiceProviderIsService>()?.IsService(typeof(IConnectionMultiplexer)) != true)
        {
            return;
        }

        // The connection is resolved at the first reading, not here: connecting must not hold up the start.
        var redis = new Lazy<IConnectionMultiplexer>(services.GetRequiredService<IConnectionMultiplexer>);
        services.GetRequiredService<IMeterFactory>().Create(EmbeddingsMeter.Name).CreateObservableGauge("redis_up",
            () => redis.Value.IsConnected ? 1 : 0,
            "1", "1 while this replica is connected to Redis; 0 while Redis is unreachable (health Degraded).");
    }
}
