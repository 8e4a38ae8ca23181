using System.Diagnostics;

namespace Embeddings.Api.Tests.Contract;

/// <summary>Runs a tool the contract tests use (Redocly CLI, Kiota) to its end, within a time limit.</summary>
public static class CommandLine
{
    public sealed record Result(int ExitCode, string Output, string Errors, TimeSpan Elapsed)
    {
        public string Everything => $"{Output}\n{Errors}".Trim();
    }

    /// <summary>Runs <paramref name="fileName"/> in <paramref name="folder"/> with <paramref name="environment"/> added;
    /// returns its exit code, what it wrote (stdout, stderr) and how long it took. <paramref name="installHint"/>
    /// says how to get the tool when it cannot start.</summary>
    public static async Task<Result> RunAsync(
        string fileName, IEnumerable<string> arguments, string folder, IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout, string installHint)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var clock = Stopwatch.StartNew();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start. {installHint}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{fileName} could not start: {ex.Message}. {installHint}", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var limit = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} ran past {timeout.TotalSeconds} s.");
            }

            return new Result(process.ExitCode, (await output).Trim(), (await errors).Trim(), clock.Elapsed);
        }
    }
}
