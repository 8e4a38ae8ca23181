using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Embeddings.Testing;
using Xunit.Abstractions;

namespace Embeddings.Api.Tests;

/// <summary>The real API process stopped by SIGTERM: nothing accepted is lost, and no client is left without an answer.</summary>
public sealed class SigtermShutdownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Sigterm_finishes_every_accepted_request_before_the_process_exits()
    {
        // The queue waits a minute for a batch of 1000, so these stay queued until shutdown dispatches them.
        await using var api = await ApiProcess.StartAsync(
            "--Embeddings:Shutdown:LameDuckSeconds=1",
            "--Embeddings:Models:all-minilm-l6-v2:Batching:MaxBatchSize=1000",
            "--Embeddings:Models:all-minilm-l6-v2:Batching:MaxWaitMs=60000");
        using var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = Limit };
        var requests = Enumerable.Range(0, 20)
            .Select(i => client.PostAsync(new Uri("/embed/all-minilm-l6-v2", UriKind.Relative), Json.Body(new { inputs = $"queued request {i}" })))
            .ToArray();
        await Eventually.TrueAsync(async () => await QueueDepthAsync(client) == requests.Length, Limit, "20 inputs queued");

        await api.SigtermAsync();

        foreach (var response in await Task.WhenAll(requests).WaitAsync(Limit))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Single(Json.Embeddings(await Json.ReadAsync(response)));
            response.Dispose();
        }

        Assert.Equal(0, await api.ExitCodeAsync(Limit));
    }

    [Fact]
    public async Task Under_load_every_client_gets_an_answer_or_a_refused_connection_and_none_a_reset()
    {
        await using var api = await ApiProcess.StartAsync("--Embeddings:Shutdown:LameDuckSeconds=2");
        const int total = 200;
        var answered = 0;
        var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var gate = new SemaphoreSlim(64);
        var outcomes = Enumerable.Range(0, total).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                // A fresh connection for each request, as many independent clients.
                using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { BaseAddress = api.BaseAddress, Timeout = Limit };
                var outcome = await SendAsync(client, $"request {i} under shutdown");
                if (Interlocked.Increment(ref answered) == 20)
                {
                    signalled.TrySetResult();
                }

                return outcome;
            }
            finally
            {
                gate.Release();
            }
        }).ToArray();
        await signalled.Task.WaitAsync(Limit);
        await api.SigtermAsync();
        var results = await Task.WhenAll(outcomes).WaitAsync(Limit);

        var counts = results.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        var summary = string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}"));
        // Served through the lame duck; refused at connect time once the listener closed; never a 503 or a reset.
        Assert.True(results.All(r => r is "200" or "refused"), $"every client gets 200 or a refused connection; got {summary}");
        Assert.True(counts.GetValueOrDefault("200") >= 20, summary);
        output.WriteLine($"{total} requests, SIGTERM after 20 answers: {summary}");
        Assert.Equal(0, await api.ExitCodeAsync(Limit));
    }

    [Fact]
    public async Task During_the_lame_duck_health_says_Unhealthy_while_new_requests_are_served_with_Connection_close()
    {
        await using var api = await ApiProcess.StartAsync("--Embeddings:Shutdown:LameDuckSeconds=5");
        using var client = api.CreateClient(Limit);

        await api.SigtermAsync();
        await Eventually.TrueAsync(async () =>
        {
            using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
            return (int)health.StatusCode == 503 && await health.Content.ReadAsStringAsync() == "Unhealthy";
        }, Limit, "/health to say Unhealthy once SIGTERM came");

        using var response = await client.PostAsync(new Uri("/embed/all-minilm-l6-v2", UriKind.Relative), Json.Body(new { inputs = "sent during the lame duck" }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.ConnectionClose, "an answer during the lame duck closes its connection");
        Assert.Single(Json.Embeddings(await Json.ReadAsync(response)));
        Assert.Equal(0, await api.ExitCodeAsync(Limit));
    }

    [Fact]
    public async Task A_drain_that_runs_out_of_time_stops_the_running_batch_answers_503_and_exits_at_once()
    {
        // All 96 inputs of 256 tokens go in one batch (it waits for them all), which takes several seconds on these
        // machines; the drain gets 1 s, so the batch is stopped while it runs.
        await using var api = await ApiProcess.StartAsync(
            "--Embeddings:Shutdown:LameDuckSeconds=0",
            "--Embeddings:Shutdown:DrainTimeoutSeconds=1",
            "--Embeddings:Cache:Enabled=false",
            "--Embeddings:Models:all-minilm-l6-v2:MaxBatchMemoryMB=1024",
            "--Embeddings:Models:all-minilm-l6-v2:Batching:MaxBatchSize=96",
            "--Embeddings:Models:all-minilm-l6-v2:Batching:MaxWaitMs=60000",
            "--Embeddings:Models:all-minilm-l6-v2:Batching:MaxBatchTokens=1000000",
            "--Embeddings:Models:all-minilm-l6-v2:Batching:MaxConcurrentBatches=1");
        using var client = api.CreateClient(Limit);
        var inputs = Enumerable.Range(0, 96).Select(i => $"{i} " + string.Join(' ', Enumerable.Repeat("word", 300))).ToArray();
        var request = client.PostAsync(new Uri("/embed/all-minilm-l6-v2", UriKind.Relative), Json.Body(new { inputs }));
        await Eventually.TrueAsync(async () => await InFlightBatchesAsync(client) == 1, Limit, "the batch of 96 to run");

        var stopped = System.Diagnostics.Stopwatch.StartNew();
        await api.SigtermAsync();
        using var response = await request.WaitAsync(Limit);
        await Json.AssertProblemAsync(response, 503, "stopped this input's batch while it ran: the drain at shutdown ran out of time");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(0, await api.ExitCodeAsync(Limit));
        output.WriteLine($"SIGTERM to exit with a batch of 96 x 256 tokens running and a 1 s drain: {stopped.Elapsed.TotalSeconds:0.0} s");
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(1 + 10), $"the process exits within the drain plus the host's margin ({stopped.Elapsed})");
    }

    /// <summary>One request: its status, "refused" when the connection was refused, or what else went wrong.</summary>
    private static async Task<string> SendAsync(HttpClient client, string text)
    {
        try
        {
            using var response = await client.PostAsync(new Uri("/embed/all-minilm-l6-v2", UriKind.Relative), Json.Body(new { inputs = text }));
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.True(response.Headers.ConnectionClose, "a 503 while stopping closes its connection");
            }

            await response.Content.ReadAsByteArrayAsync();
            return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return "refused";
        }
        catch (HttpRequestException ex)
        {
            return $"error ({ex.Message} {ex.InnerException?.Message})";
        }
        catch (TaskCanceledException)
        {
            return "hang";
        }
    }

    private static async Task<int> InFlightBatchesAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/models/all-minilm-l6-v2", UriKind.Relative));
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["stats"]!["inFlightBatches"]!.GetValue<int>();
    }

    private static async Task<int> QueueDepthAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/models/all-minilm-l6-v2", UriKind.Relative));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["stats"]!["queueDepth"]!.GetValue<int>();
    }
}
