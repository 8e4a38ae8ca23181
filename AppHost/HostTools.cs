using System.Diagnostics;

namespace Embeddings.AppHost;

/// <summary>What this machine can run: a container runtime that answers, or a program on PATH.</summary>
public static class HostTools
{
    /// <summary>Asked once per run, however many resources want to know: `docker info` can take seconds.</summary>
    private static readonly Lazy<bool> ContainerRuntime = new(AskContainerRuntime);

    /// <summary>The docker CLI can exist without an engine; only a server answering `docker info` counts.</summary>
    public static bool ContainerRuntimeIsHealthy() => ContainerRuntime.Value;

    private static bool AskContainerRuntime()
    {
        if (!OnPath("docker"))
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

    public static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, name)));

    /// <summary>How a piece of infrastructure runs here: the override <paramref name="setting"/> if set, else a container
    /// where a runtime answers, else <paramref name="executable"/> if it is on PATH, else not at all.</summary>
    public static HostingMode Choose(string? setting, string executable) =>
        Enum.TryParse<HostingMode>(setting, ignoreCase: true, out var configured) ? configured
        : ContainerRuntimeIsHealthy() ? HostingMode.Container
        : OnPath(executable) ? HostingMode.Executable
        : HostingMode.None;
}

/// <summary>How Redis or Prometheus runs: a container, a local executable, or not at all.</summary>
public enum HostingMode
{
    Container,
    Executable,
    None,
}
