using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Embeddings.AppHost;

/// <summary>How Redis runs: Aspire's container, a local redis-server, or not at all.</summary>
public enum RedisMode
{
    Container,
    Executable,
    None,
}

public static class RedisHosting
{
    /// <summary>
    /// Adds Redis the best way this machine allows. <c>Redis:Mode</c> (container|executable|none) overrides the choice;
    /// otherwise a healthy container runtime means the container, a redis-server on PATH means the executable, else none.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString>? AddBestRedis(this IDistributedApplicationBuilder builder, string name)
    {
        // A deployment (publish) always describes Redis as a container; the local choice is for runs only.
        var mode = builder.ExecutionContext.IsPublishMode ? RedisMode.Container : ChooseMode(builder.Configuration);
        Console.WriteLine($"Redis runs as: {mode}");
        return mode switch
        {
            RedisMode.Container => builder.AddRedis(name),
            RedisMode.Executable => builder.AddRedisServer(name),
            _ => null,
        };
    }

    public static IResourceBuilder<RedisServerResource> AddRedisServer(this IDistributedApplicationBuilder builder, string name)
    {
        var redis = new RedisServerResource(name, builder.AppHostDirectory);
        return builder.AddResource(redis)
            .WithEndpoint(name: RedisServerResource.EndpointName, scheme: "tcp", isProxied: false)
            // No persistence: the data is config and cache, and a dev run leaves no dump files behind.
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(redis.Endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("-::1");
                context.Args.Add("--save");
                context.Args.Add("");
                context.Args.Add("--appendonly");
                context.Args.Add("no");
            })
            .WithRedisPingHealthCheck();
    }

    private static RedisMode ChooseMode(IConfiguration configuration)
    {
        if (Enum.TryParse<RedisMode>(configuration["Redis:Mode"], ignoreCase: true, out var configured))
        {
            return configured;
        }

        if (ContainerRuntimeIsHealthy())
        {
            return RedisMode.Container;
        }

        return ExecutableOnPath("redis-server") ? RedisMode.Executable : RedisMode.None;
    }

    /// <summary>The docker CLI can exist without an engine; only a server answering `docker info` counts.</summary>
    private static bool ContainerRuntimeIsHealthy()
    {
        if (!ExecutableOnPath("docker"))
        {
            return false;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo("docker", "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0 && !string.IsNullOrWhiteSpace(process.StandardOutput.ReadToEnd());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static bool ExecutableOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, name)));
}
