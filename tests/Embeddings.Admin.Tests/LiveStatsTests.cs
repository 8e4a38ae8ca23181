using Embeddings.Admin.Live;
using Embeddings.Admin.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Embeddings.Admin.Tests;

/// <summary>The shared history: five minutes per model, config changes found in it, and the poller that fills it
/// once a second on the injected clock.</summary>
public class LiveStatsTests : AdminTestContext
{
    [Fact]
    public void History_keeps_the_last_five_minutes_per_model()
    {
        var live = new LiveStats();
        for (var second = 0; second <= 360; second++)
        {
            var at = Data.Noon.AddSeconds(second);
            live.Record(at, "Healthy", Data.Cluster(at, [], Data.Live(Data.MiniLm, second)), models: null);
        }

        var history = live.History(Data.MiniLm);
        Assert.Equal(301, history.Count);
        Assert.Equal(Data.Noon.AddSeconds(60), history[0].At);
        Assert.Equal(Data.Noon.AddSeconds(360), history[^1].At);
        Assert.Empty(live.History(Data.Arctic));
    }

    [Fact]
    public void A_config_change_is_where_the_version_moves()
    {
        var samples = new[] { 1L, 1, 2, 2, 2, 3 }
            .Select((version, i) => new StatsSample(Data.Noon.AddSeconds(i), Data.Live(Data.MiniLm, 10, version: version), 1))
            .ToList();

        Assert.Equal(
            [new ConfigChange(Data.Noon.AddSeconds(2), 1, 2), new ConfigChange(Data.Noon.AddSeconds(5), 2, 3)],
            ConfigChange.In(samples));
    }

    [Fact]
    public void A_failed_poll_keeps_the_last_data_and_says_why_until_one_succeeds()
    {
        var live = new LiveStats();
        var stats = Data.Cluster(Data.Noon, [], Data.Live(Data.MiniLm, 5));
        live.Record(Data.Noon, "Healthy", stats, [Data.Model(Data.MiniLm)]);

        live.RecordFailure(Data.Noon.AddSeconds(1), "down");
        live.RecordFailure(Data.Noon.AddSeconds(2), "still down");

        Assert.Equal("still down", live.Current.Error);
        Assert.Equal(Data.Noon.AddSeconds(1), live.Current.FailingSince);
        Assert.Same(stats, live.Current.Stats);
        Assert.False(live.Current.Reachable);

        live.Record(Data.Noon.AddSeconds(3), "Healthy", stats, models: null);
        Assert.True(live.Current.Reachable);
        Assert.Null(live.Current.FailingSince);
        Assert.Single(live.Current.Models!);
    }

    [Fact]
    public async Task The_poller_reads_the_API_once_a_second_on_its_clock()
    {
        Api.AnswerText(HttpMethod.Get, "/health", "Healthy");
        Api.Answer(HttpMethod.Get, "/stats", Data.Cluster(Data.Noon, [], Data.Live(Data.MiniLm, 5)));
        Api.Answer(HttpMethod.Get, "/models", new[] { Data.Model(Data.MiniLm) });
        using var polled = new SemaphoreSlim(0);
        Live.Changed += () => polled.Release();
        var monitor = Services.GetRequiredService<ApiMonitor>();
        using var cts = new CancellationTokenSource(Limit);

        await monitor.StartAsync(cts.Token).WaitAsync(Limit);
        await polled.WaitAsync(cts.Token);
        Assert.Equal(1, StatsReads());
        Time.Advance(ApiMonitor.Interval);
        await polled.WaitAsync(cts.Token);
        Assert.Equal(2, StatsReads());
        Time.Advance(ApiMonitor.Interval);
        await polled.WaitAsync(cts.Token);
        await monitor.StopAsync(cts.Token).WaitAsync(Limit);

        Assert.Equal(3, StatsReads());
        // The model list is read once: it is only read again when a model appears that it does not hold.
        Assert.Single(Api.Requests, r => r.Path == "/models");
        Assert.Equal(3, Live.History(Data.MiniLm).Count);
    }

    private int StatsReads() => Api.Requests.Count(r => r.Path == "/stats");
}
