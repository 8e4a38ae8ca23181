using Embeddings.AppHost;

namespace Embeddings.AppHost.Tests;

/// <summary>The AppHost tests build, publish and start the AppHost: one at a time, so a build never races a running app.</summary>
[CollectionDefinition(Name)]
public sealed class AppHostCollection
{
    public const string Name = "apphost";
}

/// <summary>What the machine must have before the whole app can start; checked up front so a missing piece fails in
/// a second with its name, not after the startup timeout. It asks the way the AppHost itself does (HostTools).</summary>
internal static class Prerequisites
{
    public static void RequireRedis() => Assert.True(
        HostTools.OnPath("redis-server") || HostTools.ContainerRuntimeIsHealthy(),
        "The AppHost needs Redis: install redis-server (apt-get install -y redis-server) or run a Docker engine.");

    public static void RequirePrometheus() => Assert.True(
        HostTools.OnPath("prometheus"), "The AppHost test needs Prometheus: apt-get install -y prometheus.");
}
