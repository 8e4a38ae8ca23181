using System.Text.Json.Nodes;
using Embeddings.Api.Config;
using Embeddings.Testing;
using StackExchange.Redis;

namespace Embeddings.Api.Tests;

/// <summary>Batching changes through two replicas sharing a real redis-server: concurrent changes are atomic and none
/// is lost, Redis losing its data loses no change, and a stored value that is not valid is not applied.</summary>
public sealed class ConfigConsistencyTests : RedisReplicas
{
    [Fact]
    public async Task Concurrent_changes_to_different_fields_through_two_replicas_both_hold_in_every_round()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var key = RedisBatchingConfigStore.Key(ApiFactory.MiniLm);
        const int rounds = 40;
        long lastVersion = 0;
        for (var round = 0; round < rounds; round++)
        {
            var wait = 10 + round;
            var size = 40 + round;
            var answers = await Task.WhenAll(A.PutBatchingAsync(new { maxWaitMs = wait }), B.PutBatchingAsync(new { maxBatchSize = size }));

            var stored = (await redis.GetDatabase().HashGetAllAsync(key)).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
            Assert.Equal((wait.ToString(), size.ToString()), (stored["maxWaitMs"], stored["maxBatchSize"]));
            var versions = answers.Select(a => a["config"]!["version"]!.GetValue<long>()).Order().ToArray();
            Assert.Equal([lastVersion + 1, lastVersion + 2], versions); // each change got a version of its own
            lastVersion = versions[1];
        }

        foreach (var replica in new[] { A, B })
        {
            await Eventually.TrueAsync(async () => (await replica.ModelAsync())["config"]!["version"]!.GetValue<long>() == lastVersion,
                Limit, "both replicas to run the last version");
            var batching = (await replica.ModelAsync())["batching"]!;
            Assert.Equal((10 + rounds - 1, 40 + rounds - 1), (batching["maxWaitMs"]!.GetValue<int>(), batching["maxBatchSize"]!.GetValue<int>()));
        }
    }

    [Fact]
    public async Task Two_concurrent_changes_to_one_field_end_with_the_later_and_the_version_counts_both()
    {
        var before = (await A.ModelAsync())["config"]!["version"]!.GetValue<long>();
        var answers = await Task.WhenAll(A.PutBatchingAsync(new { maxWaitMs = 7 }), B.PutBatchingAsync(new { maxWaitMs = 9 }));

        var later = answers.MaxBy(a => a["config"]!["version"]!.GetValue<long>())!;
        Assert.Equal(before + 2, later["config"]!["version"]!.GetValue<long>());
        foreach (var replica in new[] { A, B })
        {
            await Eventually.TrueAsync(async () => (await replica.ModelAsync())["config"]!["version"]!.GetValue<long>() == before + 2,
                Limit, "both replicas to run the later change");
            Assert.Equal(later["batching"]!["maxWaitMs"]!.GetValue<int>(), (await replica.ModelAsync())["batching"]!["maxWaitMs"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task After_redis_loses_its_data_a_change_keeps_every_earlier_change()
    {
        await A.PutBatchingAsync(new { maxBatchSize = 12 });
        await Eventually.TrueAsync(async () => (await B.ModelAsync())["batching"]!["maxBatchSize"]!.GetValue<int>() == 12, Limit,
            "replica B to apply the first change");

        await FlushAllAsync();
        var answer = await B.PutBatchingAsync(new { maxWaitMs = 25 });

        Assert.Equal((12, 25), (answer["batching"]!["maxBatchSize"]!.GetValue<int>(), answer["batching"]!["maxWaitMs"]!.GetValue<int>()));
        await AssertEveryoneRunsAsync([A, B], maxBatchSize: 12, maxWaitMs: 25);
    }

    [Fact]
    public async Task A_change_made_after_the_loss_by_a_replica_that_knew_nothing_is_merged_with_what_the_others_run()
    {
        await A.PutBatchingAsync(new { maxBatchSize = 12 });
        await Eventually.TrueAsync(async () => (await B.ModelAsync())["batching"]!["maxBatchSize"]!.GetValue<int>() == 12, Limit,
            "replica B to apply the first change");

        // Redis loses its data, and a replica that never saw the first change starts and makes one of its own at once:
        // whichever comes first (the others writing back, or its change), both changes hold everywhere.
        await FlushAllAsync();
        await using var fresh = StartReplica();
        await fresh.PutBatchingAsync(new { maxWaitMs = 25 });

        await AssertEveryoneRunsAsync([A, B, fresh], maxBatchSize: 12, maxWaitMs: 25);
    }

    [Fact]
    public async Task A_stored_value_that_is_not_valid_is_not_applied_and_is_shown_as_rejected()
    {
        var put = await A.PutBatchingAsync(new { maxBatchSize = 8 });
        var version = put["config"]!["version"]!.GetValue<long>();

        // Someone writes around the API: a batch size of 0, and a wait that is not a number.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var key = RedisBatchingConfigStore.Key(ApiFactory.MiniLm);
        await redis.GetDatabase().HashSetAsync(key, [new("maxBatchSize", "0"), new("maxWaitMs", "soon"), new("version", version + 1)]);
        await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(RedisBatchingConfigStore.Channel), ApiFactory.MiniLm);

        foreach (var replica in new[] { A, B })
        {
            await Eventually.TrueAsync(async () => (await replica.ModelAsync())["config"]!["rejected"] is JsonObject, Limit,
                "the replica to reject the stored version");
            var model = await replica.ModelAsync();
            Assert.Equal(version + 1, model["config"]!["rejected"]!["version"]!.GetValue<long>());
            var reason = model["config"]!["rejected"]!["reason"]!.GetValue<string>();
            Assert.Contains("maxBatchSize must be between 1", reason, StringComparison.Ordinal);
            Assert.Contains("maxWaitMs holds 'soon'", reason, StringComparison.Ordinal);
            Assert.Equal(version, model["config"]!["version"]!.GetValue<long>()); // still runs what it applied
            Assert.Equal(8, model["batching"]!["maxBatchSize"]!.GetValue<int>());
        }

        // A change is refused until the stored fields are fixed; a reset clears them, and the replicas apply it.
        using var refused = await A.SendBatchingAsync(new { maxQueueLength = 100 });
        await Json.AssertProblemAsync(refused, 400, "cannot be read");
        using var reset = await A.SendBatchingAsync(null);
        Assert.Equal(200, (int)reset.StatusCode);
        await Eventually.TrueAsync(async () => (await B.ModelAsync())["config"]!["version"]!.GetValue<long>() == version + 2, Limit,
            "replica B to apply the reset");
        Assert.Null((await B.ModelAsync())["config"]!["rejected"]);
        Assert.Equal(32, (await B.ModelAsync())["batching"]!["maxBatchSize"]!.GetValue<int>());
    }

    private async Task FlushAllAsync()
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString + ",allowAdmin=true");
        await admin.GetServers().Single().FlushAllDatabasesAsync();
    }

    private async Task AssertEveryoneRunsAsync(IReadOnlyList<Replica> replicas, int maxBatchSize, int maxWaitMs)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var key = RedisBatchingConfigStore.Key(ApiFactory.MiniLm);
        await Eventually.TrueAsync(async () =>
        {
            var stored = (await redis.GetDatabase().HashGetAllAsync(key)).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
            if (stored.GetValueOrDefault("maxBatchSize") != maxBatchSize.ToString() || stored.GetValueOrDefault("maxWaitMs") != maxWaitMs.ToString())
            {
                return false;
            }

            var models = await Task.WhenAll(replicas.Select(r => r.ModelAsync()));
            return models.All(m => m["batching"]!["maxBatchSize"]!.GetValue<int>() == maxBatchSize && m["batching"]!["maxWaitMs"]!.GetValue<int>() == maxWaitMs)
                && models.Select(m => m["config"]!["version"]!.GetValue<long>()).Distinct().Count() == 1
                && stored["version"] == models[0]["config"]!["version"]!.GetValue<long>().ToString();
        }, Limit, $"Redis and every replica to hold maxBatchSize {maxBatchSize} and maxWaitMs {maxWaitMs} under one version");
    }
}
