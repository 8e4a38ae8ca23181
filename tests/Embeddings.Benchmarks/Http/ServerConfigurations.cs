namespace Embeddings.Benchmarks.Http;

/// <summary>
/// Configurations 3 to 7, all over HTTP against one server: no batching; the shipped defaults with batches in arrival
/// order (the baseline); the shipped defaults; a small sweep (best throughput, and best latency at a fixed arrival rate
/// under a p95 bound); and low load (one sequential client).
/// </summary>
public static class ServerConfigurations
{
    public sealed record Outcome(
        IReadOnlyList<ResultRow> Rows,
        IReadOnlyList<ResultRow> Sweep,
        ResultRow NoBatching,
        ResultRow ArrivalOrder,
        ResultRow Shipped,
        ResultRow? BestThroughput,
        ResultRow? BestLatency,
        ResultRow LowLoad,
        ServerSettings? BestThroughputSettings,
        ServerSettings? BestLatencySettings,
        bool LatencyBoundMet,
        int LowLoadMaxWaitMs);

    public static async Task<Outcome> RunAsync(ServerSuite suite, HarnessOptions o, CancellationToken ct = default)
    {
        var closed = new LoadSpec(o.Clients, o.Duration, MaxRequests: o.MaxRequests);
        var shipped = ServerSettings.Shipped();

        var noBatching = await suite.MeasureAsync("3", "server, no batching", shipped with { MaxBatchSize = 1 }, closed, o.Rounds, o.WarmUp, ct).ConfigureAwait(false);
        var arrival = await suite.MeasureAsync("4", "server, shipped defaults but arrival order", shipped with { SortByLength = false }, closed, o.Rounds, o.WarmUp, ct).ConfigureAwait(false);
        var defaults = await suite.MeasureAsync("5", "server, shipped defaults", shipped, closed, o.Rounds, o.WarmUp, ct).ConfigureAwait(false);

        var sweep = new List<ResultRow>();
        ResultRow? bestThroughput = null, bestLatency = null;
        ServerSettings? bestThroughputSettings = null, bestLatencySettings = null;
        var boundMet = false;
        if (!o.SkipSweep)
        {
            (bestThroughput, bestThroughputSettings) = await ThroughputSweepAsync(suite, o, closed, shipped, defaults, sweep, ct).ConfigureAwait(false);
            (bestLatency, bestLatencySettings, boundMet) = await LatencySweepAsync(suite, o, bestThroughputSettings, defaults.ItemsPerSecond, sweep, ct).ConfigureAwait(false);
        }

        // Low load: one client, one item after another, the shipped defaults; the same items the raw single-item
        // reference timed (the corpus from its start).
        var lowSpec = new LoadSpec(1, TimeSpan.FromSeconds(Math.Max(o.DurationSeconds, 10)), MaxRequests: o.MaxRequests ?? 200);
        var low = await suite.MeasureAsync("7", "server, low load (1 sequential client)", shipped, lowSpec, 1, TimeSpan.Zero, ct).ConfigureAwait(false);

        var rows = new List<ResultRow> { noBatching, arrival, defaults };
        if (bestThroughput is not null)
        {
            rows.Add(bestThroughput with { Id = "6a", Configuration = "server, best throughput (sweep)" });
        }

        if (bestLatency is not null)
        {
            rows.Add(bestLatency with
            {
                Id = "6b",
                Configuration = $"server, best latency at a fixed rate (sweep; p95 bound {o.P95BoundMs:0} ms {(boundMet ? "met" : "NOT met")})",
            });
        }

        rows.Add(low);
        return new Outcome(rows, sweep, noBatching, arrival, defaults, bestThroughput, bestLatency, low,
            bestThroughputSettings, bestLatencySettings, boundMet, shipped.MaxWaitMs);
    }

    /// <summary>One factor at a time around the shipped defaults (batch size, wait, efficiency floor, runners), then the
    /// best of each together.</summary>
    private static async Task<(ResultRow, ServerSettings)> ThroughputSweepAsync(
        ServerSuite suite, HarnessOptions o, LoadSpec closed, ServerSettings baseline, ResultRow baselineRow, List<ResultRow> sweep, CancellationToken ct)
    {
        var measured = new List<(ServerSettings Settings, ResultRow Row)> { (baseline, baselineRow) };
        var warm = TimeSpan.FromSeconds(Math.Min(1, o.WarmUpSeconds));
        var points = new[] { 8, 16, 64 }.Select(b => baseline with { MaxBatchSize = b, MaxBatchTokens = Math.Max(baseline.MaxBatchTokens, b * 128) })
            .Concat(new[] { 0, 2, 10 }.Select(w => baseline with { MaxWaitMs = w }))
            .Concat(new[] { 0.8, 0.85, 0.95 }.Select(e => baseline with { MinPaddingEfficiency = e }))
            .Concat(new[] { 1, 2 * Environment.ProcessorCount }.Select(r => baseline with { MaxConcurrentBatches = r }));
        foreach (var settings in points)
        {
            var row = await suite.MeasureAsync("6", "sweep: throughput", settings, closed, 1, warm, ct).ConfigureAwait(false);
            sweep.Add(row);
            measured.Add((settings, row));
        }

        // Each factor's best, measured with the others at their baseline values.
        ServerSettings BestBy(Func<ServerSettings, bool> othersAtBaseline) =>
            measured.Where(m => othersAtBaseline(m.Settings)).MaxBy(m => m.Row.ItemsPerSecond).Settings;
        var size = BestBy(s => s with { MaxBatchSize = baseline.MaxBatchSize, MaxBatchTokens = baseline.MaxBatchTokens } == baseline);
        var combined = baseline with
        {
            MaxBatchSize = size.MaxBatchSize,
            MaxBatchTokens = size.MaxBatchTokens,
            MaxWaitMs = BestBy(s => s with { MaxWaitMs = baseline.MaxWaitMs } == baseline).MaxWaitMs,
            MinPaddingEfficiency = BestBy(s => s with { MinPaddingEfficiency = baseline.MinPaddingEfficiency } == baseline).MinPaddingEfficiency,
            MaxConcurrentBatches = BestBy(s => s with { MaxConcurrentBatches = baseline.MaxConcurrentBatches } == baseline).MaxConcurrentBatches,
        };
        if (measured.All(m => m.Settings != combined))
        {
            var row = await suite.MeasureAsync("6", "sweep: best of each factor", combined, closed, o.Rounds, warm, ct).ConfigureAwait(false);
            sweep.Add(row);
            measured.Add((combined, row));
        }

        var clean = measured.Where(m => m.Row.Errors == 0).ToList();
        var best = (clean.Count > 0 ? clean : measured).MaxBy(m => m.Row.ItemsPerSecond);
        return (best.Row, best.Settings);
    }

    /// <summary>
    /// At a fixed arrival rate (60% of the shipped defaults' throughput, open loop), tries several waits with the
    /// best-throughput settings; the best is the lowest p50 among those that keep up with zero errors and a p95 under the
    /// bound, or, where none does, the lowest p95.
    /// </summary>
    private static async Task<(ResultRow, ServerSettings, bool BoundMet)> LatencySweepAsync(
        ServerSuite suite, HarnessOptions o, ServerSettings best, double capacity, List<ResultRow> sweep, CancellationToken ct)
    {
        var rate = Math.Max(1, Math.Round(capacity * 0.6));
        var open = new LoadSpec(o.Clients, o.Duration, RatePerSecond: rate, MaxRequests: o.MaxRequests);
        var warm = TimeSpan.FromSeconds(Math.Min(1, o.WarmUpSeconds));
        var candidates = new List<(ServerSettings Settings, ResultRow Row)>();
        foreach (var settings in new[] { 0, 2, 5, 10 }.Select(w => best with { MaxWaitMs = w })
            .Append(best with { MaxBatchSize = 8, MaxWaitMs = 2 }).Distinct())
        {
            var row = await suite.MeasureAsync("6", "sweep: latency", settings, open, 1, warm, ct).ConfigureAwait(false);
            sweep.Add(row);
            candidates.Add((settings, row));
        }

        var fit = candidates
            .Where(c => c.Row.Errors == 0 && c.Row.ItemsPerSecond >= 0.95 * rate && c.Row.P95Ms <= o.P95BoundMs)
            .MinBy(c => c.Row.P50Ms);
        if (fit.Row is not null)
        {
            return (fit.Row, fit.Settings, true);
        }

        var closest = candidates.MinBy(c => c.Row.P95Ms ?? double.MaxValue);
        return (closest.Row, closest.Settings, false);
    }
}
