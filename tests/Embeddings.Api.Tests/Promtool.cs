using System.Diagnostics;

namespace Embeddings.Api.Tests;

/// <summary>Runs Prometheus's own <c>promtool</c> (Debian's <c>prometheus</c> package; .ci/run installs it).</summary>
public static class Promtool
{
    /// <summary>The rule files and their tests, copied beside the test assembly from deploy/prometheus.</summary>
    public static string RulesFolder { get; } = Path.Combine(AppContext.BaseDirectory, "prometheus");

    /// <summary>Runs promtool with <paramref name="arguments"/> (and <paramref name="input"/> on its stdin) in
    /// <paramref name="folder"/>; returns its exit code and everything it wrote.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string folder, string? input, params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = StartOrExplain(start);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input ?? "");
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await output + await errors).Trim());
    }

    private static Process StartOrExplain(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException("promtool did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("These tests need promtool on PATH: apt-get install -y prometheus.", ex);
        }
    }
}
