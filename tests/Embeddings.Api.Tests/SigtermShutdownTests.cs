using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Embeddings.Api.Tests;

/// <summary>The real API process, stopped by SIGTERM while requests wait in its queue: every one is answered.</summary>
public sealed class SigtermShutdownTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Sigterm_finishes_every_accepted_request_before_the_process_exits()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var port = FreePort();
        using var process = StartApi(port);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            await WaitUntilAsync(async () => await IsHealthyAsync(client), cts.Token);

            // The queue waits a minute for a batch of 1000, so these stay queued until shutdown dispatches them.
            var requests = Enumerable.Range(0, 20)
                .Select(i => client.PostAsync(new Uri("/embed/all-minilm-l6-v2", UriKind.Relative), Json.Body(new { inputs = $"queued request {i}" }), cts.Token))
                .ToArray();
            await WaitUntilAsync(async () => await QueueDepthAsync(client) == requests.Length, cts.Token);

            using (var kill = Process.Start("kill", $"-TERM {process.Id}"))
            {
                await kill.WaitForExitAsync(cts.Token);
            }

            foreach (var response in await Task.WhenAll(requests))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Single(Json.Embeddings(await Json.ReadAsync(response)));
                response.Dispose();
            }

            await process.WaitForExitAsync(cts.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static Process StartApi(int port)
    {
        var apiDll = Path.Combine(AppContext.BaseDirectory, "Embeddings.Api.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                apiDll,
                "--urls", $"http://127.0.0.1:{port}",
                "--Embeddings:Models:arctic-embed-xs:Enabled=false",
                "--Embeddings:Models:all-minilm-l6-v2:Batching:MaxBatchSize=1000",
                "--Embeddings:Models:all-minilm-l6-v2:Batching:MaxWaitMs=60000",
            },
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<bool> IsHealthyAsync(HttpClient client)
    {
        try
        {
            using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<int> QueueDepthAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/models/all-minilm-l6-v2", UriKind.Relative));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["stats"]!["queueDepth"]!.GetValue<int>();
    }

    /// <summary>Polls a condition the test cannot be signalled about (another process), until the token's deadline.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (!await condition())
        {
            await timer.WaitForNextTickAsync(ct);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
