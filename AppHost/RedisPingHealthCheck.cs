using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Embeddings.AppHost;

/// <summary>Healthy once the redis-server accepts the password and answers PING with PONG on its endpoint.</summary>
internal sealed class RedisPingHealthCheck(RedisServerResource redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var password = await redis.Password.GetValueAsync(cancellationToken);
            using var client = new TcpClient();
            await client.ConnectAsync(redis.Endpoint.Host, redis.Endpoint.Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"AUTH {password}\r\nPING\r\n"), cancellationToken);
            var reply = "";
            var buffer = new byte[64];
            while (reply.Count(c => c == '\n') < 2) // the answers to AUTH and PING
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                reply += Encoding.ASCII.GetString(buffer, 0, read);
            }

            return reply.Contains("+PONG", StringComparison.Ordinal)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"redis-server answered '{reply.Trim()}' to AUTH and PING.");
        }
        catch (Exception ex) when (ex is SocketException or IOException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("redis-server does not answer yet.", ex);
        }
    }
}

internal static class RedisPingHealthCheckExtensions
{
    public static IResourceBuilder<RedisServerResource> WithRedisPingHealthCheck(this IResourceBuilder<RedisServerResource> builder)
    {
        var key = $"{builder.Resource.Name}_ping";
        builder.ApplicationBuilder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(key, _ => new RedisPingHealthCheck(builder.Resource), failureStatus: null, tags: null));
        return builder.WithHealthCheck(key);
    }
}
