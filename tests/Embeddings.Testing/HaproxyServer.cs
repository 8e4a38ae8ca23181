using System.Diagnostics;
using System.Globalization;

namespace Embeddings.Testing;

/// <summary>
/// A real load balancer (Debian's <c>haproxy</c>) on a free loopback port in front of some servers, set up as a
/// deployment would be: health checks on <c>/health</c> every 500 ms (down after 2 failures, up after 2 passes), and a
/// request that could not be sent to a server (connection refused) retried on another. Its stats page says which
/// servers it counts as up.
/// </summary>
public sealed class HaproxyServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly HttpClient _stats;

    private HaproxyServer(Process process, string folder, int port, int statsPort)
    {
        _process = process;
        _folder = folder;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _stats = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{statsPort}/"), Timeout = TimeSpan.FromSeconds(5) };
    }

    public Uri BaseAddress { get; }

    /// <summary>Starts haproxy in front of <paramref name="servers"/> (loopback ports), named s1, s2, ...</summary>
    public static HaproxyServer Start(IReadOnlyList<int> servers)
    {
        var port = FreePort.Next();
        var statsPort = FreePort.Next();
        var folder = Directory.CreateTempSubdirectory("haproxy-").FullName;
        var config = Path.Combine(folder, "haproxy.cfg");
        File.WriteAllText(config, Config(port, statsPort, servers));
        var start = new ProcessStartInfo("haproxy")
        {
            ArgumentList = { "-db", "-f", config },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("haproxy did not start (apt-get install -y haproxy).");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HaproxyServer(process, folder, port, statsPort);
    }

    /// <summary>What haproxy says of each server now (UP, DOWN, and the steps between), by name.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ServerStatesAsync()
    {
        var csv = await _stats.GetStringAsync(new Uri("/stats;csv", UriKind.Relative));
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].TrimStart('#', ' ').Split(',');
        var name = Array.IndexOf(header, "svname");
        var status = Array.IndexOf(header, "status");
        return lines.Skip(1)
            .Select(line => line.Split(','))
            .Where(cells => cells[0] == "replicas" && cells[name] is not ("FRONTEND" or "BACKEND"))
            .ToDictionary(cells => cells[name], cells => cells[status]);
    }

    /// <summary>Waits until haproxy counts every server in <paramref name="names"/> as <paramref name="state"/>.</summary>
    public Task WaitForAsync(string state, TimeSpan limit, params string[] names) => Eventually.TrueAsync(async () =>
    {
        try
        {
            var states = await ServerStatesAsync();
            return names.All(n => states.GetValueOrDefault(n) == state);
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
    }, limit, $"haproxy to count {string.Join(", ", names)} as {state}");

    public async ValueTask DisposeAsync()
    {
        _stats.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static string Config(int port, int statsPort, IReadOnlyList<int> servers) => string.Join('\n',
    [
        "global",
        "  maxconn 4096",
        "defaults",
        "  mode http",
        "  timeout connect 2s",
        "  timeout client 60s",
        "  timeout server 60s",
        "  retries 3",
        "  option redispatch",
        "  retry-on conn-failure empty-response",
        "frontend api",
        $"  bind 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
        "  default_backend replicas",
        "backend replicas",
        "  balance roundrobin",
        "  option httpchk GET /health",
        "  http-check expect status 200",
        "  default-server inter 500ms fall 2 rise 2",
        .. servers.Select((p, i) => $"  server s{i + 1} 127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)} check"),
        "listen stats",
        $"  bind 127.0.0.1:{statsPort.ToString(CultureInfo.InvariantCulture)}",
        "  stats enable",
        "  stats uri /stats",
        "",
    ]);
}
