using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Embeddings.Testing;
using StackExchange.Redis;

namespace Embeddings.Api.Tests;

/// <summary>Redis is the source of truth for batching config, a result cache shared by replicas, and where replicas
/// leave their stats: two instances of the API on one real redis-server show it.</summary>
public sealed class RedisSharingTests : RedisReplicas
{
    [Fact]
    public async Task A_change_on_one_replica_is_applied_by_the_other_and_survives_a_restart_of_both()
    {
        var put = await A.PutBatchingAsync(new { maxBatchSize = 4, maxWaitMs = 500 });
        var version = put["config"]!["version"]!.GetValue<long>();
        Assert.Equal("redis", put["config"]!["store"]!.GetValue<string>());

        var took = await Eventually.TrueAsync(async () => (await B.ModelAsync())["config"]!["version"]!.GetValue<long>() == version, Limit,
            "replica B to apply the change made on A");
        var onB = await B.ModelAsync();
        Assert.Equal(4, onB["batching"]!["maxBatchSize"]!.GetValue<int>());
        Assert.Equal(500, onB["batching"]!["maxWaitMs"]!.GetValue<int>());
        Assert.Equal("a test", onB["config"]!["updatedBy"]!.GetValue<string>());
        Assert.True(took < TimeSpan.FromSeconds(1), $"B applied the change after {took.TotalMilliseconds:0} ms");

        // B forms batches of 4 now: 12 inputs of one length in one request go in batches of at most 4.
        var (response, _) = await B.EmbedAsync([.. Enumerable.Range(0, 12).Select(i => $"same length {(char)('a' + i)}")]);
        Assert.Equal("4", response.Headers.GetValues("x-batch-size").Single());
        response.Dispose();

        await RestartBothAsync();
        foreach (var replica in new[] { A, B })
        {
            var model = await replica.ModelAsync();
            Assert.Equal(version, model["config"]!["version"]!.GetValue<long>());
            Assert.Equal(4, model["batching"]!["maxBatchSize"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task A_vector_computed_on_one_replica_is_a_cache_hit_on_the_other_and_a_mixed_request_computes_only_its_misses()
    {
        var text = $"cached once, served twice {Guid.NewGuid()}";
        var (first, firstBody) = await A.EmbedAsync(text);
        Assert.Equal("0", first.Headers.GetValues("x-cache-hits").Single());
        var cacheKey = "embeddings:cache:" + Embeddings.Api.Cache.CacheKey.For(
            A.Factory.Registry.Get(ApiFactory.MiniLm).Model.Descriptor, normalize: true, truncate: true, prompt: null, text);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        await Eventually.TrueAsync(() => redis.GetDatabase().KeyExistsAsync(cacheKey), Limit, "the vector to reach Redis");

        var computedBefore = B.Factory.Processor.GetStats(ApiFactory.MiniLm).Completed;
        var (second, secondBody) = await B.EmbedAsync(text);
        Assert.Equal("1", second.Headers.GetValues("x-cache-hits").Single());
        Assert.Equal(Json.Embeddings(firstBody)[0], Json.Embeddings(secondBody)[0]);
        Assert.Equal(computedBefore, B.Factory.Processor.GetStats(ApiFactory.MiniLm).Completed); // no inference on B

        var (mixed, mixedBody) = await B.EmbedAsync(text, $"not cached anywhere {Guid.NewGuid()}");
        Assert.Equal("1", mixed.Headers.GetValues("x-cache-hits").Single());
        Assert.Equal(Json.Embeddings(firstBody)[0], Json.Embeddings(mixedBody)[0]);
        Assert.Equal(computedBefore + 1, B.Factory.Processor.GetStats(ApiFactory.MiniLm).Completed); // only the miss
        foreach (var response in new[] { first, second, mixed })
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Each_replica_reports_its_stats_and_one_that_stops_leaves_them()
    {
        await Eventually.TrueAsync(async () => Replicas(await StatsAsync(A)).Count == 2, Limit, "both replicas in the stats");
        var stats = await StatsAsync(A);
        Assert.Equal(new[] { ReplicaId(A), ReplicaId(B) }.Order(StringComparer.Ordinal), Replicas(stats).Order(StringComparer.Ordinal));
        Assert.All(stats["replicas"]!.AsArray(), r => Assert.StartsWith("http://", r!["address"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Contains(stats["total"]!.AsArray(), m => m!["model"]!.GetValue<string>() == ApiFactory.MiniLm);

        var stopped = ReplicaId(B);
        await B.DisposeAsync();
        await Eventually.TrueAsync(async () => Replicas(await StatsAsync(A)) is [var only] && only == ReplicaId(A), Limit,
            $"the stopped replica {stopped} to leave the stats");
        B = StartReplica(); // for the teardown
    }

    private static List<string> Replicas(JsonNode stats) => [.. stats["replicas"]!.AsArray().Select(r => r!["replicaId"]!.GetValue<string>())];

    private static async Task<JsonNode> StatsAsync(Replica replica) =>
        (await replica.Client.GetFromJsonAsync<JsonNode>(new Uri("/stats", UriKind.Relative)))!;

    private static string ReplicaId(Replica replica) =>
        ((Embeddings.Api.Stats.ReplicaIdentity)replica.Factory.Services.GetService(typeof(Embeddings.Api.Stats.ReplicaIdentity))!).Id;
}
