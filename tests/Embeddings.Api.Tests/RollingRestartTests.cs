using Embeddings.Testing;
using Xunit.Abstractions;

namespace Embeddings.Api.Tests;

/// <summary>Two replicas (real processes sharing a real Redis) behind a real haproxy with health checks, restarted one
/// after the other under load, as a deployment rolls: every request is answered 200.</summary>
public sealed class RollingRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task A_rolling_restart_under_load_answers_every_request_200()
    {
        // The lame duck outlasts haproxy's check (2 failures 500 ms apart), so it stops sending before the listener closes.
        string[] settings = [$"--ConnectionStrings:redis={_redis.ConnectionString}", "--Embeddings:Shutdown:LameDuckSeconds=3"];
        int[] ports = [FreePort.Next(), FreePort.Next()];
        var replicas = new ApiProcess[2];
        try
        {
            for (var i = 0; i < replicas.Length; i++)
            {
                replicas[i] = await ApiProcess.StartAsync(ports[i], settings);
            }

            await using var haproxy = HaproxyServer.Start(ports);
            await haproxy.WaitForAsync("UP", Limit, "s1", "s2");
            using var client = new HttpClient { BaseAddress = haproxy.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            await using var load = new ReplicaLoad([client], clients: 32);
            await load.AnsweredAsync(50, Limit);

            for (var i = 0; i < replicas.Length; i++)
            {
                var name = $"s{i + 1}";
                await replicas[i].SigtermAsync();
                Assert.Equal(0, await replicas[i].ExitCodeAsync(Limit));
                await replicas[i].DisposeAsync();
                replicas[i] = await ApiProcess.StartAsync(ports[i], settings);
                await haproxy.WaitForAsync("UP", Limit, name);
                var answered = load.Answered;
                await load.AnsweredAsync(answered + 50, Limit); // the new process takes traffic before the next one stops
            }

            var outcomes = await load.StopAsync();
            var summary = string.Join(", ", outcomes.GroupBy(o => o).Select(g => $"{g.Key}: {g.Count()}"));
            output.WriteLine($"rolling restart of 2 replicas, 32 clients: {outcomes.Count} requests, {summary}");
            Assert.All(outcomes, o => Assert.Equal("200", o));
        }
        finally
        {
            foreach (var replica in replicas.Where(r => r is not null))
            {
                await replica.DisposeAsync();
            }
        }
    }
}
