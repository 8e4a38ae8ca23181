using System.Diagnostics;

namespace Embeddings.AppHost.Tests;

/// <summary>The AppHost tests build, publish and start the AppHost: one at a time, so a build never races a running app.</summary>
[CollectionDefinition(Name)]
public sealed class AppHostCollection
{
    public const string Name = "apphost";
}

/// <summary>What the machine must have before the whole app can start; checked up front so a missing piece fails in
/// a second with its name, not after the startup timeout.</summary>
internal static class Prerequisites
{
    public static void RequireRedis() => Assert.True(
        OnPath("redis-server") || DockerAnswers(),
        "The AppHost needs Redis: install redis-server (apt-get install -y redis-server) or run a Docker engine.");

    public static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, name)));

    private static bool DockerAnswers()
    {
        if (!OnPath("docker"))
        {
            return false;
        }

        using var docker = Process.Start(new ProcessStartInfo("docker", "info --format {{.ServerVersion}}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        return docker.WaitForExit(TimeSpan.FromSeconds(10)) && docker.ExitCode == 0;
    }
}
