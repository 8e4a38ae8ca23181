using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Embeddings.Api.Redis;

/// <summary>
/// /health for Redis: Degraded (still 200: the replica serves without Redis) while Redis is unreachable or has stopped
/// answering, Healthy otherwise. While the guard counts Redis as failing, each check asks it once more (a PING within
/// a second), so the state ends by itself once Redis answers, even when nothing else calls it.
/// </summary>
public sealed class RedisHealthCheck(RedisGuard redis) : IHealthCheck
{
    private static readonly TimeSpan PingBudget = TimeSpan.FromSeconds(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (redis.IsFailing && redis.Connection.IsConnected)
        {
            await redis.PingAsync(PingBudget, cancellationToken);
        }

        return redis.Trouble is { } trouble
            ? new HealthCheckResult(context.Registration.FailureStatus,
                $"{trouble} Serving without the shared cache, config changes and stats until it is back.")
            : HealthCheckResult.Healthy("Redis answers.");
    }
}
