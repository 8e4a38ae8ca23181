using Embeddings.Testing;
using StackExchange.Redis;

namespace Embeddings.Api.Tests;

/// <summary>Redis dies under load and comes back: no request fails, health says Degraded meanwhile, and the cache,
/// config changes and health come back by themselves.</summary>
public sealed class RedisOutageTests : RedisReplicas
{
    [Fact]
    public async Task Requests_keep_succeeding_while_redis_is_killed_and_everything_resumes_once_it_is_back()
    {
        Assert.Equal("Healthy", await A.HealthAsync());

        // A few hundred concurrent requests (each with a text of its own, so each goes through the cache), with
        // Redis killed once a quarter of them are answered.
        const int requests = 300;
        var answered = 0;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var gate = new SemaphoreSlim(32);
        var load = Enumerable.Range(0, requests).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var (response, _) = await (i % 2 == 0 ? A : B).EmbedAsync($"outage load {i} {Guid.NewGuid()}");
                using (response)
                {
                    if (Interlocked.Increment(ref answered) == requests / 4)
                    {
                        killed.TrySetResult();
                    }

                    return (int)response.StatusCode;
                }
            }
            finally
            {
                gate.Release();
            }
        }).ToArray();
        await killed.Task.WaitAsync(Limit);
        await Redis.KillAsync();
        var statuses = await Task.WhenAll(load).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(statuses, s => Assert.Equal(200, s));
        await Eventually.TrueAsync(async () => await A.HealthAsync() == "Degraded", Limit, "/health to say Degraded");
        var (during, _) = await A.EmbedAsync($"served without Redis {Guid.NewGuid()}");
        Assert.Equal(200, (int)during.StatusCode);
        during.Dispose();

        await Redis.RestartAsync();
        await Eventually.TrueAsync(async () => await A.HealthAsync() == "Healthy" && await B.HealthAsync() == "Healthy",
            TimeSpan.FromSeconds(30), "/health to be Healthy again");

        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var text = $"written after the restart {Guid.NewGuid()}";
        var (after, _) = await A.EmbedAsync(text);
        after.Dispose();
        var key = "embeddings:cache:" + Embeddings.Api.Cache.CacheKey.For(
            A.Factory.Registry.Get(ApiFactory.MiniLm).Model.Descriptor, normalize: true, truncate: true, prompt: null, text);
        await Eventually.TrueAsync(() => redis.GetDatabase().KeyExistsAsync(key), TimeSpan.FromSeconds(30), "a new vector in Redis");

        var put = await A.PutBatchingAsync(new { maxBatchSize = 12 });
        var version = put["config"]!["version"]!.GetValue<long>();
        await Eventually.TrueAsync(async () => (await B.ModelAsync())["batching"]!["maxBatchSize"]!.GetValue<int>() == 12,
            TimeSpan.FromSeconds(30), "the change after the restart to reach replica B");
        Assert.Equal(version, (await B.ModelAsync())["config"]!["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_replica_that_starts_while_redis_is_down_serves_on_its_defaults_and_joins_once_redis_is_back()
    {
        await A.PutBatchingAsync(new { maxBatchSize = 6 });
        await Redis.KillAsync();

        await using var late = StartReplica();
        var (response, body) = await late.EmbedAsync("served with Redis down at start");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Single(Json.Embeddings(body));
        response.Dispose();
        Assert.Equal("Degraded", await late.HealthAsync());
        var model = await late.ModelAsync();
        Assert.Equal(0, model["config"]!["version"]!.GetValue<long>());
        Assert.Equal(32, model["batching"]!["maxBatchSize"]!.GetValue<int>()); // appsettings' defaults

        // Redis comes back empty; the replicas that knew the change give it back, and the late one applies it.
        await Redis.RestartAsync();
        await Eventually.TrueAsync(async () => (await late.ModelAsync())["batching"]!["maxBatchSize"]!.GetValue<int>() == 6,
            TimeSpan.FromSeconds(30), "the late replica to apply the change once Redis is back");
        Assert.Equal("Healthy", await late.HealthAsync());
    }
}
