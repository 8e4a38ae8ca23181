using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Embeddings.Contracts;
using Xunit.Abstractions;

namespace Embeddings.Api.Tests;

/// <summary>
/// A latency target over HTTP at more than twice the model's capacity, open loop (requests sent at a fixed rate whatever
/// the answers take). The model is simulated with a known cost (60 ms a batch plus 2 ms a padded token, one slot), so
/// its capacity does not depend on how busy the machine's CPU is: inputs of about 5 tokens, batches of 5 or 6 that fit
/// two fifths of the 300 ms target, about 45 inputs/s.
/// Latency counts from when each request was sent, so that a test machine too busy to send on time is not counted
/// against the server.
/// It runs alone (after the parallel tests), since it bounds a latency over real HTTP.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class LatencyTargetTests(ITestOutputHelper output) : OwnApi(new ApiFactory(
    settings: new()
    {
        ["Embeddings:Models:arctic-embed-xs:Enabled"] = "false",
        ["Embeddings:Cache:Enabled"] = "false",
    },
    simulatedBatching: new BatchingOptions { MaxBatchSize = 8, MaxWaitMs = 5, MaxConcurrentBatches = 1, TargetP95Ms = TargetMs },
    simulatedModel: new() { CostPerBatch = TimeSpan.FromMilliseconds(60), CostPerPaddedToken = TimeSpan.FromMilliseconds(2) }))
{
    private const int TargetMs = 300;
    private static readonly Uri Route = new($"/embed/{ApiFactory.Simulated}", UriKind.Relative);

    [Fact]
    public async Task At_over_twice_capacity_what_is_accepted_is_answered_within_the_target_and_the_rest_is_429_with_Retry_After()
    {
        const double rate = 115; // inputs/s: twice what even batches of 8 (140 ms) would serve
        await OpenLoopAsync(rate, TimeSpan.FromSeconds(2), "warm-up"); // the cost is learnt and the controller settles
        var (answers, took) = await OpenLoopAsync(rate, TimeSpan.FromSeconds(3), "measured");

        var accepted = answers.Where(a => a.Status == 200).Select(a => a.Ms).Order().ToArray();
        var refused = answers.Where(a => a.Status == 429).ToArray();
        var p95 = accepted[(int)Math.Ceiling(0.95 * accepted.Length) - 1];
        output.WriteLine($"{answers.Count} sent in {took.TotalSeconds:0.0} s: {accepted.Length} answered (p95 {p95:0} ms), {refused.Length} refused");
        Assert.All(answers, a => Assert.True(a.Status is 200 or 429, $"status {a.Status}"));
        Assert.All(refused, r => Assert.True(r.RetryAfter, "a 429 says when to retry"));
        Assert.True(p95 <= TargetMs, $"accepted p95 {p95:0} ms against a target of {TargetMs} ms");
        Assert.True(refused.Length > answers.Count / 4, "at twice capacity, the excess is refused");

        var model = (await Client.GetFromJsonAsync<JsonNode>(new Uri($"/models/{ApiFactory.Simulated}", UriKind.Relative)))!;
        var latency = model["latency"]!;
        var capacity = latency["capacityPerSecond"]!.GetValue<double>();
        output.WriteLine($"latency {latency.ToJsonString()}");
        Assert.Equal(TargetMs, latency["targetP95Ms"]!.GetValue<int>());
        Assert.InRange(latency["effectiveMaxBatchSize"]!.GetValue<int>(), 1, 8);
        Assert.True(accepted.Length / took.TotalSeconds >= 0.8 * capacity,
            $"goodput {accepted.Length / took.TotalSeconds:0}/s against an estimated capacity of {capacity:0}/s");
        Assert.True(model["stats"]!["rejectedOverTarget"]!.GetValue<long>() >= refused.Length);

        var metrics = await Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var series = $"{{model=\"{ApiFactory.Simulated}\"}}";
        Assert.Contains($"embeddings_target_p95_seconds{series} 0.3\n", metrics, StringComparison.Ordinal);
        Assert.Matches($@"embeddings_effective_max_batch_size{Regex.Escape(series)} [1-8]\n", metrics);
        Assert.Matches($@"embeddings_effective_max_wait_seconds{Regex.Escape(series)} 0\.00[0-5]\n", metrics);
        Assert.Matches($@"embeddings_capacity_inputs_per_second{Regex.Escape(series)} [1-9]", metrics);
        var overTarget = Regex.Match(metrics, $@"embeddings_rejected_total\{{model=""{ApiFactory.Simulated}"",reason=""over_target""\}} (\d+)");
        Assert.True(overTarget.Success && long.Parse(overTarget.Groups[1].Value, CultureInfo.InvariantCulture) >= refused.Length, "429s counted by reason");
    }

    /// <summary>Sends one input every 1/<paramref name="rate"/> s for <paramref name="duration"/>.</summary>
    private async Task<(IReadOnlyList<(int Status, double Ms, bool RetryAfter)> Answers, TimeSpan Took)> OpenLoopAsync(
        double rate, TimeSpan duration, string phase)
    {
        var answers = new ConcurrentBag<(int, double, bool)>();
        var sends = new List<Task>();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; Stopwatch.GetElapsedTime(started) < duration; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            var wait = due - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait); // paces the arrivals: the schedule, not a wait for anything to happen
            }

            var text = $"{phase} input {i}";
            sends.Add(Task.Run(async () =>
            {
                var sent = Stopwatch.GetTimestamp();
                using var response = await Client.PostAsync(Route, Json.Body(new { inputs = text }));
                await response.Content.ReadAsByteArrayAsync();
                answers.Add(((int)response.StatusCode, Stopwatch.GetElapsedTime(sent).TotalMilliseconds, response.Headers.RetryAfter is not null));
            }));
        }

        await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(60));
        return ([.. answers], Stopwatch.GetElapsedTime(started));
    }
}
