using System.Globalization;
using System.Text.Json;
using Embeddings.Benchmarks.Corpus;

namespace Embeddings.Benchmarks.Http;

/// <summary>
/// Mode <c>target</c>: the latency target under open-loop load. Starts the API from the Release build, measures its
/// capacity with the shipped batching (64 closed-loop clients), then offers a fixed arrival rate (one corpus item per
/// request, latency from each request's scheduled send) of half and of 1.5 times that capacity, first with no target
/// and then with <c>targetP95Ms</c> = <c>--target-ms</c> (default 250) set live. Each rate runs <c>--warmup</c> seconds
/// for the controller to settle, then <c>--duration</c> seconds measured. Prints one table: p50/p95/p99 of the answered
/// requests, goodput (answered items/s) against capacity, 429s (and any without Retry-After) and other errors.
/// <code>dotnet run -c Release --project tests/Embeddings.Benchmarks -- target [--target-ms 250] [--duration 20] [--warmup 5]</code>
/// </summary>
internal static class TargetBenchmark
{
    private static readonly double[] LoadFractions = [0.5, 1.5];

    public sealed record Row(
        string Target, double OfferedPerSecond, double LoadFraction, int Requests, double P50Ms, double P95Ms, double P99Ms,
        double GoodputPerSecond, double GoodputOfCapacity, int Refused, int RefusedWithoutRetryAfter, int Errors, string? FirstError);

    public static async Task<int> RunAsync(string[] args)
    {
        var o = HarnessOptions.Parse(args, new HarnessOptions { DurationSeconds = 20, WarmUpSeconds = 5 });
        var targetMs = (int)(HarnessOptions.Number(args, "--target-ms") ?? 250);
        var corpus = BenchmarkCorpus.Load(o.Seed);
        var machine = MachineInfo.Describe();
        Console.WriteLine($"{machine.Cores} cores, {machine.CpuModel}, load average {machine.LoadAverage}; model {o.Model}; corpus {corpus.Count} items");
        var launched = await ServerLauncher.StartUnlessGivenAsync(o).ConfigureAwait(false);
        await using (launched)
        {
            using var api = new ApiClient(o.Url ?? launched!.BaseAddress, o.AdminKey, maxConnections: 4096);
            var load = new LoadGenerator(api.Http, o.Model, corpus);
            await load.RunAsync(new LoadSpec(o.Clients, o.WarmUp)).ConfigureAwait(false);
            var capacity = (await load.RunAsync(new LoadSpec(o.Clients, o.Duration)).ConfigureAwait(false)).ItemsPerSecond;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"capacity {capacity:0} items/s (shipped batching, {o.Clients} closed-loop clients, {o.DurationSeconds:0} s)"));

            var rows = new List<Row>();
            foreach (var target in new int?[] { null, targetMs })
            {
                await api.PatchBatchingAsync(o.Model, new { targetP95Ms = target }).ConfigureAwait(false);
                foreach (var fraction in LoadFractions)
                {
                    var rate = capacity * fraction;
                    await load.RunAsync(new LoadSpec(0, o.WarmUp, rate, CountRefusals: true)).ConfigureAwait(false);
                    var run = await load.RunAsync(new LoadSpec(0, o.Duration, rate, CountRefusals: true)).ConfigureAwait(false);
                    var row = new Row(target is { } t ? $"{t} ms" : "none", rate, fraction, run.Requests, run.Percentile(0.5),
                        run.Percentile(0.95), run.Percentile(0.99), run.ItemsPerSecond, run.ItemsPerSecond / capacity, run.Refused,
                        run.RefusedWithoutRetryAfter, run.Errors, run.FirstError);
                    rows.Add(row);
                    Console.WriteLine(Format(row));
                }
            }

            Console.WriteLine();
            Console.WriteLine("| target p95 | offered load | p50 | p95 | p99 | goodput | 429 (no Retry-After) | errors |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
            rows.ForEach(r => Console.WriteLine(Format(r)));
            if (o.OutputDirectory is { } output)
            {
                Directory.CreateDirectory(output);
                await File.WriteAllTextAsync(Path.Combine(output, "target.json"), JsonSerializer.Serialize(new { capacity, targetMs, rows },
                    new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true })).ConfigureAwait(false);
            }

            return rows.Sum(r => r.Errors + r.RefusedWithoutRetryAfter) == 0 ? 0 : 1;
        }
    }

    private static string Format(Row r) =>
        FormattableString.Invariant($"| {r.Target} | {r.OfferedPerSecond:0}/s ({r.LoadFraction:0.0}x capacity) | {Ms(r.P50Ms)} | {Ms(r.P95Ms)} | ")
        + FormattableString.Invariant($"{Ms(r.P99Ms)} | {r.GoodputPerSecond:0}/s ({r.GoodputOfCapacity:0.00}x) | {r.Refused} ({r.RefusedWithoutRetryAfter}) | ")
        + FormattableString.Invariant($"{r.Errors} |{(r.FirstError is { } e ? $" first error: {e}" : "")}");

    private static string Ms(double ms) => ms >= 1000
        ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:0.0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{ms:0} ms");
}
