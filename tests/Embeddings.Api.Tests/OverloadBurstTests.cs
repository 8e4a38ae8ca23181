using System.Collections.Concurrent;
using System.Diagnostics;
using Embeddings.Contracts;
using Embeddings.Testing;
using Xunit.Abstractions;

namespace Embeddings.Api.Tests;

/// <summary>
/// Ten times the model's capacity for two seconds: callers get only 200s and 429s with Retry-After (no 5xx, no
/// timeouts), memory stays bounded, and once the burst ends throughput is back to normal. The model is simulated with a
/// fixed cost per batch, like an accelerator, so its capacity does not depend on how busy the machine's CPU is.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class OverloadBurstTests(ITestOutputHelper output) : OwnApi(new ApiFactory(
    settings: new()
    {
        ["Embeddings:Models:arctic-embed-xs:Enabled"] = "false",
        ["Embeddings:Cache:Enabled"] = "false",
    },
    simulatedBatching: new BatchingOptions { MaxQueueLength = 64, MaxBatchSize = 4, MaxWaitMs = 2, MaxConcurrentBatches = 1 },
    simulatedModel: new() { CostPerBatch = TimeSpan.FromMilliseconds(40) }))
{
    /// <summary>The most the test process (server and clients) may grow during the burst.</summary>
    private const long MemoryBoundBytes = 256L * 1024 * 1024;

    private static readonly Uri Route = new($"/embed/{ApiFactory.Simulated}", UriKind.Relative);

    [Fact]
    public async Task A_burst_of_ten_times_capacity_gets_only_200s_and_429s_and_throughput_recovers()
    {
        var capacity = await ClosedLoopAsync(TimeSpan.FromSeconds(2)); // about 4 inputs per 40 ms: 100 items/s
        Assert.True(capacity > 20, $"capacity {capacity:0} items/s");

        var statuses = new ConcurrentBag<int>();
        var missingRetryAfter = 0;
        var rate = 10 * capacity;
        var burst = TimeSpan.FromSeconds(2);
        var before = Process.GetCurrentProcess().WorkingSet64;
        long peak = before;
        var deepest = 0;
        using (var sampler = new Timer(_ => Sample(), null, 0, 100))
        {
            var sends = new List<Task>();
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; Stopwatch.GetElapsedTime(started) < burst; i++)
            {
                var due = TimeSpan.FromSeconds(i / rate) - Stopwatch.GetElapsedTime(started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }

                sends.Add(SendAsync($"burst {i}"));
            }

            await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(60));

            async Task SendAsync(string text)
            {
                using var response = await Client.PostAsync(Route, Json.Body(new { inputs = text }));
                statuses.Add((int)response.StatusCode);
                if ((int)response.StatusCode == 429 && response.Headers.RetryAfter?.Delta is null)
                {
                    Interlocked.Increment(ref missingRetryAfter);
                }
            }
        }

        var counts = statuses.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(statuses.All(s => s is 200 or 429), string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}")));
        Assert.True(counts.GetValueOrDefault(429) > 0, "a burst of ten times capacity must meet refusals");
        Assert.Equal(0, missingRetryAfter);
        Assert.True(deepest <= 64, $"the queue held {deepest} inputs, more than its length of 64");
        Assert.True(peak - before < MemoryBoundBytes, $"the process grew {(peak - before) / 1048576} MiB during the burst");

        // Once the burst ends the queue drains (64 inputs, well under a second) and throughput is what it was.
        var drained = await Eventually.TrueAsync(() => Task.FromResult(Factory.Processor.GetStats(ApiFactory.Simulated).QueueDepth == 0),
            TimeSpan.FromSeconds(10), "the queue to drain after the burst");
        var after = await ClosedLoopAsync(TimeSpan.FromSeconds(2));
        output.WriteLine($"capacity {capacity:0} items/s; burst {statuses.Count} requests at {rate:0}/s: "
            + $"{string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}"))}; grew {(peak - before) / 1048576} MiB; "
            + $"deepest queue {deepest}; drained {drained.TotalMilliseconds:0} ms after; then {after:0} items/s");
        Assert.True(after >= 0.7 * capacity, $"after the burst {after:0} items/s against {capacity:0} before");

        void Sample()
        {
            Interlocked.Exchange(ref peak, Math.Max(Interlocked.Read(ref peak), Process.GetCurrentProcess().WorkingSet64));
            var depth = Factory.Processor.GetStats(ApiFactory.Simulated).QueueDepth;
            if (depth > Volatile.Read(ref deepest))
            {
                Volatile.Write(ref deepest, depth);
            }
        }
    }

    /// <summary>Items/s with 16 closed-loop clients for <paramref name="duration"/>.</summary>
    private async Task<double> ClosedLoopAsync(TimeSpan duration)
    {
        var done = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async client =>
        {
            for (var i = 0; Stopwatch.GetElapsedTime(started) < duration; i++)
            {
                using var response = await Client.PostAsync(Route, Json.Body(new { inputs = $"steady {client} {i} {Guid.NewGuid()}" }));
                Assert.Equal(200, (int)response.StatusCode);
                Interlocked.Increment(ref done);
            }
        })).WaitAsync(TimeSpan.FromSeconds(60));
        return done / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
