using System.Globalization;
using Embeddings.Api.Metrics;
using Embeddings.Core.Batching;
using Embeddings.Testing;

namespace Embeddings.Api.Tests;

/// <summary>
/// /metrics of a live API on a real Redis, as Prometheus reads it: promtool finds nothing to say, counters are typed
/// counter and exist from start, and the gauges the alerts read follow the replica. Each test has its own API and
/// Redis, so no test counts on another's data.
/// </summary>
public sealed class PrometheusExpositionTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private static readonly string Model = $"model=\"{ApiFactory.MiniLm}\"";

    private RedisServer _redis = null!;
    private Replica _api = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _api = new Replica(new ApiFactory(new()
        {
            ["ConnectionStrings:redis"] = _redis.ConnectionString,
            ["Embeddings:Models:arctic-embed-xs:Enabled"] = "false",
        }));
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Promtool_check_metrics_finds_nothing_before_or_after_requests_and_every_total_is_a_counter()
    {
        var atStart = await ScrapeAsync();
        var (served, _) = await _api.EmbedAsync($"checked by promtool {Guid.NewGuid()}");
        served.Dispose();
        using (var refused = await _api.Client.PostAsync(new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative), Json.Body("{}")))
        using (var unknown = await _api.Client.PostAsync(new Uri("/embed/no-such-model", UriKind.Relative), Json.Body(new { inputs = "x" })))
        {
            Assert.Equal((400, 404), ((int)refused.StatusCode, (int)unknown.StatusCode));
        }

        var afterRequests = await ScrapeAsync();

        foreach (var exposition in new[] { atStart, afterRequests })
        {
            var (exitCode, findings) = await Promtool.RunAsync(AppContext.BaseDirectory, exposition, "check", "metrics");
            Assert.True(exitCode == 0 && findings.Length == 0, $"promtool check metrics: {findings}");
        }

        var totals = TypeLines(afterRequests).Where(t => t.Name.EndsWith("_total", StringComparison.Ordinal)).ToList();
        Assert.Equal(["batches_total", "cache_requests_total", "cancelled_total", "completed_total", "failed_total", "inputs_total", "rejected_total", "requests_total", "slot_seconds_total"],
            totals.Select(t => t.Name["embeddings_".Length..]).Order(StringComparer.Ordinal));
        Assert.All(totals, t => Assert.Equal("counter", t.Type));
        Assert.Equal(1, Value(afterRequests, $"embeddings_requests_total{{{Model},status=\"200\"}}"));
        Assert.Equal(1, Value(afterRequests, $"embeddings_requests_total{{{Model},status=\"400\"}}"));
        Assert.Equal(1, Value(afterRequests, $"embeddings_requests_total{{model=\"{ApiMetrics.UnknownModel}\",status=\"404\"}}"));
    }

    [Fact]
    public async Task Every_counter_series_with_a_known_label_set_is_exported_at_zero_before_the_first_request()
    {
        var metrics = await ScrapeAsync();

        string[] expected =
        [
            .. new[] { "inputs", "completed", "failed", "cancelled", "batches" }.Select(c => $"embeddings_{c}_total{{{Model}}}"),
            .. new[] { EmbeddingsMeter.ReasonQueueFull, EmbeddingsMeter.ReasonShuttingDown }.Select(r => $"embeddings_rejected_total{{{Model},reason=\"{r}\"}}"),
            .. new[] { "hit", "miss" }.Select(r => $"embeddings_cache_requests_total{{{Model},result=\"{r}\"}}"),
            .. new[] { ApiFactory.MiniLm, ApiMetrics.UnknownModel }.SelectMany(m => ApiMetrics.KnownStatuses.Select(s => $"embeddings_requests_total{{model=\"{m}\",status=\"{s}\"}}")),
        ];
        Assert.All(expected, series => Assert.Equal(0, Value(metrics, series)));
    }

    [Fact]
    public async Task The_gauges_the_alerts_read_follow_the_options_and_redis()
    {
        var atStart = await ScrapeAsync();
        Assert.Equal(4096, Value(atStart, $"embeddings_max_queue_length{{{Model}}}"));
        Assert.Equal(0.9, Value(atStart, $"embeddings_padding_efficiency_floor{{{Model}}}"));
        Assert.Equal(1, Value(atStart, $"embeddings_engine_up{{{Model}}}"));
        Assert.Equal(1, Value(atStart, "embeddings_redis_up"));

        await _api.PutBatchingAsync(new { maxQueueLength = 123, minPaddingEfficiency = 0.75 });
        await Eventually.TrueAsync(async () =>
        {
            var metrics = await ScrapeAsync();
            return Value(metrics, $"embeddings_max_queue_length{{{Model}}}") == 123 && Value(metrics, $"embeddings_padding_efficiency_floor{{{Model}}}") == 0.75;
        }, Limit, "the gauges to show the changed options");

        await _redis.KillAsync();
        await Eventually.TrueAsync(async () => Value(await ScrapeAsync(), "embeddings_redis_up") == 0, Limit, "embeddings_redis_up 0 with Redis down");
        await _redis.RestartAsync();
        await Eventually.TrueAsync(async () => Value(await ScrapeAsync(), "embeddings_redis_up") == 1, Limit, "embeddings_redis_up 1 with Redis back");
    }

    private async Task<string> ScrapeAsync() => await _api.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

    /// <summary>A sample's value; fails when the series is not exported.</summary>
    private static double Value(string metrics, string series)
    {
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"{series} is not in /metrics");
        return double.Parse(line[(series.Length + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static IEnumerable<(string Name, string Type)> TypeLines(string metrics) => metrics.Split('\n')
        .Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal))
        .Select(l => l.Split(' '))
        .Select(p => (p[2], p[3]));
}
