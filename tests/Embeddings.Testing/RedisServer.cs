using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Embeddings.Testing;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, with a password and no persistence, for tests. It can be killed
/// and started again on the same port, as a Redis outage and recovery look to the app.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port)
    {
        Port = port;
    }

    public int Port { get; }

    public string Password { get; } = $"test-{Guid.NewGuid():N}";

    /// <summary>What the app reads as <c>ConnectionStrings:redis</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={Password}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort.Next());
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts redis-server (again) on the same port; returns once it answers PING.</summary>
    public async Task RestartAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("redis-server is already running.");
        }

        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--requirepass", Password, "--save", "", "--appendonly", "no" },
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start (apt-get install -y redis-server).");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!await AnswersPingAsync(timeout.Token))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token); // a child process cannot signal readiness
        }
    }

    /// <summary>Stops the process (SIGSTOP) without closing its connections: Redis stops answering, as during a fork or
    /// a slow command. <see cref="ResumeAsync"/> lets it go on.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>Lets a paused server go on (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    /// <summary>Kills the server at once (no shutdown), as a crash looks to its clients.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }

    private async Task SignalAsync(string signal)
    {
        var pid = _process?.Id ?? throw new InvalidOperationException("redis-server is not running.");
        using var kill = Process.Start("kill", $"-{signal} {pid}");
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} failed ({kill.ExitCode}).");
        }
    }

    private async Task<bool> AnswersPingAsync(CancellationToken ct)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, ct);
            var stream = client.GetStream();
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"AUTH {Password}\r\nPING\r\n"), ct);
            var buffer = new byte[64];
            var text = "";
            while (!text.Contains("PONG", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, ct);
                if (read == 0)
                {
                    return false;
                }

                text += System.Text.Encoding.ASCII.GetString(buffer, 0, read);
            }

            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
