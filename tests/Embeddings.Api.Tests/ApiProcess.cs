using System.Diagnostics;
using Embeddings.Testing;

namespace Embeddings.Api.Tests;

/// <summary>The API as its own process (as it runs in production), on a free loopback port: for what only a real
/// process shows, such as SIGTERM. A 500 is a bug: disposing fails the test if the process logged one, with its stack.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessLog _log = new();
    private int _disposed;

    private ApiProcess(Process process, int port)
    {
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri BaseAddress { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The most memory the process has held so far (VmHWM), in bytes.</summary>
    public long PeakMemoryBytes => File.ReadLines($"/proc/{_process.Id}/status")
        .Where(line => line.StartsWith("VmHWM:", StringComparison.Ordinal))
        .Select(line => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024)
        .Single();

    /// <summary>A client on this process's address (requests that hang fail in <paramref name="timeout"/>, default 30 s).</summary>
    public HttpClient CreateClient(TimeSpan? timeout = null) => new() { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(30) };

    public static Task<ApiProcess> StartAsync(params string[] settings) => StartAsync(FreePort.Next(), settings);

    /// <summary>Starts the API on <paramref name="port"/> (again, after a restart); returns once /health answers 2xx.</summary>
    public static async Task<ApiProcess> StartAsync(int port, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "Embeddings.Api.dll"), "--urls", $"http://127.0.0.1:{port}",
            "--Embeddings:Models:arctic-embed-xs:Enabled=false", .. settings])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("ConnectionStrings__redis");
        var process = Process.Start(start)!;
        var api = new ApiProcess(process, port);
        process.OutputDataReceived += (_, line) => api._log.Add(line.Data);
        process.ErrorDataReceived += (_, line) => api._log.Add(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false; // not listening yet
            }
        }, TimeSpan.FromSeconds(90), "the API process to be healthy");
        return api;
    }

    public async Task SigtermAsync()
    {
        using var kill = Process.Start("kill", $"-TERM {_process.Id}");
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async Task<int> ExitCodeAsync(TimeSpan limit)
    {
        await _process.WaitForExitAsync().WaitAsync(limit);
        return _process.ExitCode;
    }

    /// <summary>Kills the process if it still runs. Safe to call again.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)); // and reads its output to the end

        _process.Dispose();
        if (_log.Unexpected() is { Count: > 0 } errors)
        {
            Assert.Fail($"The API process answered 500 (a bug):{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        }
    }
}
