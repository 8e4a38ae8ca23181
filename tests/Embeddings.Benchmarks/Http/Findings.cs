using System.Globalization;
using static System.FormattableString;

namespace Embeddings.Benchmarks.Http;

/// <summary>The ratios between configurations, the targets (met or not) and the recommended batching options.</summary>
internal static class Findings
{
    public static BenchmarkReport Build(
        MachineInfo machine, string command, HarnessOptions o, IReadOnlyList<ResultRow> rows,
        ServerConfigurations.Outcome server, CeilingBenchmark.Outcome? ceiling, ResultRow? peer)
    {
        var shipped = server.Shipped;
        var best = new[] { shipped, server.BestThroughput }.Where(r => r is not null).MaxBy(r => r!.ItemsPerSecond)!;
        var ratios = new Dictionary<string, double>();
        var lines = new List<string>();
        string F(double? value, string format = "0.00") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

        lines.Add($"Shipped defaults (5): {shipped.Settings}: {F(shipped.ItemsPerSecond, "0")} items/s, token-weighted padding efficiency "
            + $"{F(shipped.PaddingEfficiency)}, average batch {F(shipped.AverageBatchSize, "0.0")}.");
        lines.Add($"Best server configuration: {best.Id} ({best.Settings}), {F(best.ItemsPerSecond, "0")} items/s.");
        ratios["shippedOverNoBatching"] = shipped.ItemsPerSecond / server.NoBatching.ItemsPerSecond;
        ratios["shippedOverArrivalOrder"] = shipped.ItemsPerSecond / server.ArrivalOrder.ItemsPerSecond;
        lines.Add($"Shipped defaults / no batching (3): {F(ratios["shippedOverNoBatching"])}x; / the same in arrival order (4): {F(ratios["shippedOverArrivalOrder"])}x.");
        lines.Add($"Queue time p99 (server's x-queue-time): {F(shipped.QueueP99Ms, "0.0")} ms choosing by length (5), "
            + $"{F(server.ArrivalOrder.QueueP99Ms, "0.0")} ms in arrival order (4).");
        lines.Add($"Target: shipped defaults' padding efficiency >= 0.90: {Verdict(shipped.PaddingEfficiency >= 0.9)} ({F(shipped.PaddingEfficiency)}).");
        lines.Add($"Target: >= 100 items/s at MaxBatchSize 32 (the shipped defaults): {Verdict(shipped.ItemsPerSecond >= 100)} ({F(shipped.ItemsPerSecond, "0")} items/s).");

        if (ceiling is not null)
        {
            ratios["shippedOverCeiling"] = shipped.ItemsPerSecond / ceiling.Best.ItemsPerSecond;
            ratios["bestServerOverCeiling"] = best.ItemsPerSecond / ceiling.Best.ItemsPerSecond;
            lines.Add($"Ceiling (1): {F(ceiling.Best.ItemsPerSecond, "0")} items/s ({ceiling.Best.Settings}).");
            lines.Add($"Target: shipped defaults >= 0.90 of the ceiling, and MaxBatchSize 32 >= 0.85: "
                + $"{Verdict(ratios["shippedOverCeiling"] >= 0.9)} / {Verdict(ratios["shippedOverCeiling"] >= 0.85)} "
                + $"(shipped / ceiling = {F(ratios["shippedOverCeiling"])}; best server / ceiling = {F(ratios["bestServerOverCeiling"])}).");
        }

        if (peer is not null)
        {
            ratios["shippedOverPeer"] = shipped.ItemsPerSecond / peer.ItemsPerSecond;
            lines.Add($"Peer (2): {F(peer.ItemsPerSecond, "0")} items/s at its best ({peer.Settings}); shipped defaults / peer = {F(ratios["shippedOverPeer"])}.");
        }

        if (ceiling is not null && server.LowLoad.P50Ms is { } lowP50)
        {
            var allowed = ceiling.SingleItemP50Ms + 2 + server.LowLoadMaxWaitMs;
            ratios["lowLoadP50Ms"] = lowP50;
            ratios["rawSingleItemP50Ms"] = ceiling.SingleItemP50Ms;
            lines.Add($"Target: low-load p50 within 2 ms + MaxWaitMs ({server.LowLoadMaxWaitMs}) of raw single-item inference "
                + $"({F(ceiling.SingleItemP50Ms, "0.0")} ms, 1 thread as the server runs it): {Verdict(lowP50 <= allowed)} "
                + $"(p50 {F(lowP50, "0.0")} ms, allowed {F(allowed, "0.0")} ms).");
        }

        foreach (var row in new[] { server.NoBatching, shipped, best }.Distinct())
        {
            if (row.ServerCpuMsPerItem is { } serverCpu && row.ClientCpuMsPerItem is { } clientCpu)
            {
                var rawCpu = ceiling is null ? "" : $"; the ceiling spends at most {F(machine.Cores * 1000 / ceiling.Best.ItemsPerSecond, "0.0")} (cores x 1000 / its items/s)";
                lines.Add($"CPU per item, config {row.Id}: server {F(serverCpu, "0.0")} ms, load generator {F(clientCpu, "0.0")} ms{rawCpu}.");
            }
        }

        if (server.BestThroughputSettings is { } t)
        {
            lines.Add($"Best throughput settings: {t}.");
        }

        if (server.BestLatencySettings is { } l && server.BestLatency is { } lr)
        {
            lines.Add($"Best latency at {lr.Load}: {l} (p50 {F(lr.P50Ms ?? double.NaN, "0.0")} ms, p95 {F(lr.P95Ms ?? double.NaN, "0.0")} ms; "
                + $"bound {F(o.P95BoundMs, "0")} ms {(server.LatencyBoundMet ? "met" : "not met")}).");
        }

        var errors = rows.Sum(r => r.Errors);
        lines.Add(errors == 0 ? "Errors: none." : $"Errors: {errors} (first: {rows.First(r => r.FirstError is not null).FirstError}).");

        var setup = Invariant(
            $"Model all-minilm-l6-v2, corpus `BenchmarkCorpus` (seed {o.Seed}; the raw and peer rows use its first {o.RawItems} items, ")
            + Invariant($"median of {o.RawRuns} runs). Server rows: the API's Release build on loopback, result cache off, one corpus item per ")
            + Invariant($"`POST /embed` request; {o.Clients} closed-loop clients unless the load column says otherwise; configurations 3-5 are ")
            + Invariant($"the median of {o.Rounds} rounds of {o.DurationSeconds:0} s after {o.WarmUpSeconds:0} s of warm-up, sweep points one round. ")
            + "Latency is per request as the client sees it (open loop: from when the request was due). Average batch size and padding "
            + "efficiency come from the server's own counters (`GET /models/{model}`) over the round. Peak RSS: the server process "
            + "(VmRSS sampled every 100 ms), or the peer's own VmHWM. The load generator shares the machine with the server.";
        return new BenchmarkReport(machine, command, setup, rows, server.Sweep, lines, ratios);
    }

    private static string Verdict(bool? met) => met switch { true => "**met**", false => "**missed**", null => "not measured" };
}
