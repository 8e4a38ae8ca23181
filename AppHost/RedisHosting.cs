using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Embeddings.AppHost;

public static class RedisHosting
{
    /// <summary>
    /// Adds Redis the best way this machine allows, with a password in every mode. <c>Redis:Mode</c>
    /// (container|executable|none) overrides the choice; otherwise a healthy container runtime means Aspire's container,
    /// a redis-server on PATH means a local process, else none (the services then use in-memory fallbacks).
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString>? AddBestRedis(this IDistributedApplicationBuilder builder, string name)
    {
        // A deployment (publish) always describes Redis as a container; the local choice is for runs only.
        var mode = builder.ExecutionContext.IsPublishMode ? HostingMode.Container : HostTools.Choose(builder.Configuration["Redis:Mode"], "redis-server");
        Console.WriteLine($"Redis runs as: {mode}");
        return mode switch
        {
            HostingMode.Container => builder.AddRedis(name),
            HostingMode.Executable => builder.AddRedisServer(name),
            _ => null,
        };
    }

    /// <summary>
    /// redis-server as a local process. The password reaches it on stdin, as a config line, so it never appears in a
    /// command line (ps, the dashboard's arguments); the consumers get it in their connection string.
    /// </summary>
    public static IResourceBuilder<RedisServerResource> AddRedisServer(this IDistributedApplicationBuilder builder, string name)
    {
        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true);
        var redis = new RedisServerResource(name, builder.AppHostDirectory, password.Resource);

        // Healthy once it answers PING with the password: the Redis health check Aspire's own Redis uses.
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, ct) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(ct));
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException($"The connection string of '{name}' is not known yet."), name: healthCheck);

        return builder.AddResource(redis)
            .WithEndpoint(name: RedisServerResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithEnvironment("REDIS_PASSWORD", password)
            .WithEnvironment("REDIS_PORT", redis.Endpoint.Property(EndpointProperty.TargetPort))
            // No persistence: the data is config and cache, and a dev run leaves no dump files behind.
            .WithArgs("-c", """printf 'requirepass %s\n' "$REDIS_PASSWORD" | exec redis-server - --port "$REDIS_PORT" --bind 127.0.0.1 -::1 --save '' --appendonly no""")
            .WithHealthCheck(healthCheck);
    }
}
