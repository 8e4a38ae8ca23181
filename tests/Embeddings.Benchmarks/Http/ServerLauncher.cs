using System.Diagnostics;
using Embeddings.Testing;

namespace Embeddings.Benchmarks.Http;

/// <summary>
/// Starts the API from its Release build as a child process (<c>dotnet Embeddings.Api.dll --urls ...</c>) on a free
/// loopback port, with arctic disabled, the result cache off (every request must cost inference) and an admin key so
/// the harness can change batching between configurations. Waits for <c>/health</c>; kills the process on dispose.
/// </summary>
public sealed class ServerLauncher : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private ServerLauncher(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    /// <summary>The server's last log lines, for a failure message.</summary>
    public string LastLines
    {
        get
        {
            lock (_lastLines)
            {
                return string.Join(Environment.NewLine, _lastLines);
            }
        }
    }

    /// <summary>The server a mode measures: none to start with <c>--url</c> (it runs already: null), else the API from
    /// the Release build (built first unless <c>--no-build</c>).</summary>
    public static async Task<ServerLauncher?> StartUnlessGivenAsync(HarnessOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Url is not null)
        {
            return null;
        }

        var root = BuildAndPaths.RepositoryRoot();
        if (!o.NoBuild)
        {
            await BuildAndPaths.BuildReleaseAsync(root, BuildAndPaths.ApiProject).ConfigureAwait(false);
        }

        return await StartAsync(BuildAndPaths.ReleaseDll(root, BuildAndPaths.ApiProject), o.AdminKey).ConfigureAwait(false);
    }

    public static async Task<ServerLauncher> StartAsync(string apiDll, string adminKey, IEnumerable<string>? extraArgs = null)
    {
        if (!File.Exists(apiDll))
        {
            throw new FileNotFoundException($"No API build at '{apiDll}'. Build it: dotnet build -c Release Embeddings.Api", apiDll);
        }

        var port = FreePort.Next();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(apiDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[
            apiDll,
            "--urls", $"http://127.0.0.1:{port}",
            "--Embeddings:Models:arctic-embed-xs:Enabled=false",
            $"--Embeddings:AdminKey={adminKey}",
            "--Embeddings:CacheEntries=0",
            "--Logging:LogLevel:Default=Warning",
            .. extraArgs ?? []])
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment.Remove("ConnectionStrings__redis");

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var server = new ServerLauncher(process, new Uri($"http://127.0.0.1:{port}/"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Kill(); // Ctrl+C or SIGTERM must not leave the server behind
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitHealthyAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The API exited with code {_process.ExitCode}:{Environment.NewLine}{LastLines}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("health", UriKind.Relative)).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet (or too slow to answer): poll again; the deadline below reports the server's output.
            }

            await Task.Delay(200).ConfigureAwait(false);
        }

        throw new TimeoutException($"The API did not become healthy within {timeout}:{Environment.NewLine}{LastLines}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 40)
            {
                _lastLines.Dequeue();
            }
        }
    }
}
