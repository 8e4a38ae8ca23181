using Embeddings.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Embeddings.Api.Tests;

/// <summary>Redis stops answering (the process paused with SIGSTOP, as a fork or a slow command does: connections stay
/// up, nothing answers) under load and at a replica's start. Neither replica falls over, no request fails, /health says
/// Degraded while it lasts, and everything comes back by itself.</summary>
public sealed class RedisStallTests(ITestOutputHelper output) : RedisReplicas
{
    /// <summary>Real processes: a host that a background loop stops exits, as it would in production.</summary>
    [Theory]
    [InlineData(500)]
    [InlineData(7000)]
    public async Task Both_replicas_answer_every_request_through_a_stall_and_recover_by_themselves(int stallMs)
    {
        string[] settings = [$"--ConnectionStrings:redis={Redis.ConnectionString}", $"--Embeddings:AdminKey={ApiFactory.AdminKey}"];
        await using var first = await ApiProcess.StartAsync(settings);
        await using var second = await ApiProcess.StartAsync(settings);
        using var a = first.CreateClient();
        using var b = second.CreateClient();
        await using var load = new ReplicaLoad([a, b], clients: 32);
        await load.AnsweredAsync(40, Limit);

        await Redis.PauseAsync();
        try
        {
            var stallEnds = Task.Delay(stallMs); // the length of the fault itself, not a wait for something to happen
            if (stallMs >= 2000)
            {
                // Long enough to look at: both replicas say so, a change is refused with a clear 503, stats still answer.
                await Eventually.TrueAsync(async () => await HealthAsync(a) == "Degraded" && await HealthAsync(b) == "Degraded",
                    TimeSpan.FromSeconds(stallMs / 2000.0), "both replicas to say Degraded during the stall");
                using var change = await ChangeAsync(a, new { maxWaitMs = 9 });
                await Json.AssertProblemAsync(change, 503, "Redis is unavailable");
                using var stats = await b.GetAsync(new Uri("/stats", UriKind.Relative));
                Assert.Equal(200, (int)stats.StatusCode);
            }

            await stallEnds;
        }
        finally
        {
            await Redis.ResumeAsync();
        }

        var afterStall = load.Answered;
        await load.AnsweredAsync(afterStall + 40, Limit);
        var outcomes = await load.StopAsync();
        output.WriteLine($"stall of {stallMs} ms: {outcomes.Count} requests, {string.Join(", ", outcomes.GroupBy(s => s).Select(g => $"{g.Key}: {g.Count()}"))}");
        Assert.All(outcomes, s => Assert.Equal("200", s));
        Assert.False(first.HasExited || second.HasExited, "both replicas still run");

        await Eventually.TrueAsync(async () => await HealthAsync(a) == "Healthy" && await HealthAsync(b) == "Healthy",
            TimeSpan.FromSeconds(10), "both replicas to be Healthy again");
        using var put = await ChangeAsync(a, new { maxBatchSize = 9 });
        Assert.Equal(200, (int)put.StatusCode);
        var version = (await Json.ReadAsync(put))["config"]!["version"]!.GetValue<long>();
        await Eventually.TrueAsync(async () => (await ModelAsync(b))["config"]!["version"]!.GetValue<long>() == version,
            Limit, "a change after the stall to reach the other replica");
    }

    [Fact]
    public async Task A_slow_redis_costs_a_request_its_read_budget_and_no_more()
    {
        // B computes a text, so it is in Redis but not in A's memory; A is warm.
        var text = $"cached by the other replica {Guid.NewGuid()}";
        (await B.EmbedAsync(text)).Response.Dispose();
        (await A.EmbedAsync($"warms A up {Guid.NewGuid()}")).Response.Dispose();
        await using var admin = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString + ",allowAdmin=true");
        var key = "embeddings:cache:" + Embeddings.Api.Cache.CacheKey.For(
            A.Factory.Registry.Get(ApiFactory.MiniLm).Model.Descriptor, normalize: true, truncate: true, prompt: null, text);
        await Eventually.TrueAsync(() => admin.GetDatabase().KeyExistsAsync(key), Limit, "the vector to reach Redis");

        // Redis answers nobody for 3 s; A's read gives up after its 50 ms budget and A computes the vector itself.
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "3000", "ALL");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (response, body) = await A.EmbedAsync(text);
        var took = started.Elapsed;

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("0", response.Headers.GetValues("x-cache-hits").Single()); // computed, not waited for
        Assert.Single(Json.Embeddings(body));
        Assert.True(took < TimeSpan.FromSeconds(1.5), $"answered in {took.TotalMilliseconds:0} ms while Redis was paused for 3 s");
        response.Dispose();

        // Once Redis answers again, A reads what B computes from it. A new text each try: A must not have it itself,
        // and a write B made while its connection was still coming back is dropped (the cache can do without it).
        await Eventually.TrueAsync(async () =>
        {
            var later = $"computed by B after the pause {Guid.NewGuid()}";
            (await B.EmbedAsync(later)).Response.Dispose();
            var laterKey = "embeddings:cache:" + Embeddings.Api.Cache.CacheKey.For(
                A.Factory.Registry.Get(ApiFactory.MiniLm).Model.Descriptor, normalize: true, truncate: true, prompt: null, later);
            if (!await WithinAsync(() => admin.GetDatabase().KeyExistsAsync(laterKey), TimeSpan.FromSeconds(2)))
            {
                return false;
            }

            var (again, _) = await A.EmbedAsync(later);
            using (again)
            {
                return again.Headers.GetValues("x-cache-hits").Single() == "1";
            }
        }, Limit, "A to find B's vectors in Redis again");
    }

    /// <summary>Whether <paramref name="condition"/> holds within <paramref name="limit"/>.</summary>
    private static async Task<bool> WithinAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        try
        {
            await Eventually.TrueAsync(condition, limit, "a condition");
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_replica_that_starts_while_redis_is_stalled_serves_on_its_defaults_and_syncs_once_redis_answers()
    {
        await A.PutBatchingAsync(new { maxBatchSize = 6 });
        await Redis.PauseAsync();
        await using var late = StartReplica();
        try
        {
            // It starts and serves while Redis still answers nothing.
            var (response, body) = await late.EmbedAsync("served with Redis stalled at start");
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Single(Json.Embeddings(body));
            response.Dispose();
            Assert.Equal("Degraded", await late.HealthAsync());
            var model = await late.ModelAsync();
            Assert.Equal(0, model["config"]!["version"]!.GetValue<long>());
            Assert.Equal(32, model["batching"]!["maxBatchSize"]!.GetValue<int>()); // appsettings' defaults
        }
        finally
        {
            await Redis.ResumeAsync();
        }

        await Eventually.TrueAsync(async () => (await late.ModelAsync())["batching"]!["maxBatchSize"]!.GetValue<int>() == 6,
            Limit, "the late replica to apply the stored config once Redis answers");
        await Eventually.TrueAsync(async () => await late.HealthAsync() == "Healthy", Limit, "the late replica to be Healthy");
        Assert.False(late.Factory.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested,
            "nothing asked the late replica's host to stop");
    }

    private static async Task<string> HealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> ModelAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri($"/models/{ApiFactory.MiniLm}", UriKind.Relative));
        return await Json.ReadAsync(response);
    }

    private static async Task<HttpResponseMessage> ChangeAsync(HttpClient client, object patch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"/models/{ApiFactory.MiniLm}/batching", UriKind.Relative)) { Content = Json.Body(patch) };
        request.Headers.Authorization = new("Bearer", ApiFactory.AdminKey);
        return await client.SendAsync(request);
    }
}
