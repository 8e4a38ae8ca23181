using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>Redis is optional: services run on in-memory fallbacks when no connection string is configured.</summary>
public static class OptionalRedisExtensions
{
    /// <summary>
    /// Registers the Aspire Redis client when <c>ConnectionStrings:{name}</c> is set and returns true;
    /// otherwise logs once at start that Redis is absent and returns false.
    /// </summary>
    public static bool AddOptionalRedis(this IHostApplicationBuilder builder, string connectionName = "redis")
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(connectionName)))
        {
            builder.Services.AddHostedService(sp => new RedisAbsentNotice(sp.GetRequiredService<ILoggerFactory>(), connectionName));
            return false;
        }

        // Redis down must not make the service unhealthy: it keeps serving without Redis.
        builder.AddRedisClient(connectionName, settings => settings.DisableHealthChecks = true);
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
