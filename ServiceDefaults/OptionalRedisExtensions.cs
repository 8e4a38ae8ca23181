using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Redis is optional: services run on in-memory fallbacks when no connection string is configured.</summary>
public static class OptionalRedisExtensions
{
    /// <summary>
    /// Registers one shared <see cref="IConnectionMultiplexer"/> (Aspire's client) when <c>ConnectionStrings:{name}</c> is
    /// set and returns true; otherwise logs once at start that Redis is absent and returns false.
    /// The connection never makes a request wait or fail: it does not abort when Redis is down at start, a call made
    /// while disconnected fails at once (rather than queueing), a call to a Redis that stopped answering times out in
    /// 250 ms, and it reconnects by itself. What a failed call means is the service's own business (its health check
    /// says Degraded, never Unhealthy: the service keeps serving without Redis).
    /// </summary>
    public static bool AddOptionalRedis(this IHostApplicationBuilder builder, string connectionName = "redis")
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(connectionName)))
        {
            builder.Services.AddHostedService(sp => new RedisAbsentNotice(sp.GetRequiredService<ILoggerFactory>(), connectionName));
            return false;
        }

        builder.AddRedisClient(
            connectionName,
            settings =>
            {
                settings.DisableHealthChecks = true; // its check says Unhealthy; the service's says Degraded
                settings.DisableTracing = true; // one span per cache lookup would drown the traces that matter
            },
            options =>
            {
                options.AbortOnConnectFail = false;
                options.BacklogPolicy = BacklogPolicy.FailFast;
                options.ConnectTimeout = 1000;
                options.AsyncTimeout = 250;
                options.SyncTimeout = 250;
            });
        return true;
    }

    private sealed class RedisAbsentNotice(ILoggerFactory loggerFactory, string connectionName) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            loggerFactory.CreateLogger("Embeddings.Redis").LogWarning(
                "Redis is absent (no ConnectionStrings:{ConnectionName}); running with in-memory configuration and cache, not shared across replicas.",
                connectionName);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
