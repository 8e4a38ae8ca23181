using System.Globalization;
using System.Text.Json;
using Embeddings.Benchmarks.Corpus;

namespace Embeddings.Benchmarks.Http;

/// <summary>
/// Mode <c>soak</c>: does the server's memory drift upward under steady load? Starts the API (or uses <c>--url</c> with
/// <c>--pid</c>), measures its capacity with the shipped batching defaults (closed loop), then holds an open-loop rate of
/// <c>--load-fraction</c> (default 0.8) of it for <c>--duration</c> seconds (default 300), sampling VmRSS every second.
/// Drift: the mean RSS of the last fifth of the run against that of the first fifth, plus the least-squares slope.
/// <code>dotnet run -c Release --project tests/Embeddings.Benchmarks -- soak [--duration 300] [--load-fraction 0.8]</code>
/// </summary>
internal static class SoakBenchmark
{
    /// <summary>Growth of the last fifth over the first fifth beyond which the run counts as drifting.</summary>
    public const double DriftThreshold = 0.05;

    public sealed record SoakReport(
        double Seconds, double RatePerSecond, double CapacityPerSecond, int Requests, int Errors, double P50Ms, double P95Ms,
        double FirstFifthMiB, double LastFifthMiB, double PeakMiB, double SlopeMiBPerMinute, bool Drifts,
        IReadOnlyList<double[]> Samples);

    public static async Task<int> RunAsync(string[] args)
    {
        var o = HarnessOptions.Parse(args, new HarnessOptions { DurationSeconds = 300 });
        var corpus = BenchmarkCorpus.Load(o.Seed);
        var launched = await ServerLauncher.StartUnlessGivenAsync(o).ConfigureAwait(false);
        await using (launched)
        {
            var pid = launched?.ProcessId ?? o.ServerPid
                ?? throw new ArgumentException("With --url, give the server's --pid so its RSS can be sampled.");
            using var api = new ApiClient(o.Url ?? launched!.BaseAddress, o.AdminKey, o.Clients);
            var load = new LoadGenerator(api.Http, o.Model, corpus);

            await load.RunAsync(new LoadSpec(o.Clients, o.WarmUp)).ConfigureAwait(false);
            var capacity = (await load.RunAsync(new LoadSpec(o.Clients, TimeSpan.FromSeconds(5))).ConfigureAwait(false)).ItemsPerSecond;
            var rate = Math.Max(1, capacity * o.LoadFraction);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"capacity {capacity:0} items/s; soaking at {rate:0} req/s ({o.LoadFraction:P0}) for {o.DurationSeconds:0} s"));

            LoadResult result;
            IReadOnlyList<(double Seconds, long Bytes)> samples;
            using (var sampler = new RssSampler(pid, TimeSpan.FromSeconds(1)))
            {
                result = await load.RunAsync(new LoadSpec(o.Clients, o.Duration, RatePerSecond: rate)).ConfigureAwait(false);
                sampler.Sample();
                samples = sampler.Samples;
            }

            var report = Analyse(samples, result, rate, capacity);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"requests {report.Requests}, errors {report.Errors}, p50 {report.P50Ms:0.0} ms, p95 {report.P95Ms:0.0} ms; "
                + $"RSS first fifth {report.FirstFifthMiB:0} MiB, last fifth {report.LastFifthMiB:0} MiB, peak {report.PeakMiB:0} MiB, "
                + $"slope {report.SlopeMiBPerMinute:0.0} MiB/min: {(report.Drifts ? "DRIFTS UPWARD" : "no upward drift")}"));
            if (result.FirstError is { } error)
            {
                Console.WriteLine($"first error: {error}");
            }

            if (o.OutputDirectory is { } output)
            {
                Directory.CreateDirectory(output);
                await File.WriteAllTextAsync(Path.Combine(output, "soak.json"),
                    JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true })).ConfigureAwait(false);
            }

            return result.Errors == 0 && !report.Drifts ? 0 : 1;
        }
    }

    public static SoakReport Analyse(IReadOnlyList<(double Seconds, long Bytes)> samples, LoadResult result, double rate, double capacity)
    {
        var mib = samples.Select(s => (s.Seconds, MiB: s.Bytes / 1048576.0)).ToArray();
        var fifth = Math.Max(1, mib.Length / 5);
        var first = mib.Take(fifth).Average(s => s.MiB);
        var last = mib.TakeLast(fifth).Average(s => s.MiB);
        var meanT = mib.Average(s => s.Seconds);
        var meanM = mib.Average(s => s.MiB);
        var variance = mib.Sum(s => (s.Seconds - meanT) * (s.Seconds - meanT));
        var slope = variance > 0 ? mib.Sum(s => (s.Seconds - meanT) * (s.MiB - meanM)) / variance * 60 : 0;
        return new SoakReport(result.Seconds, rate, capacity, result.Requests, result.Errors, result.Percentile(0.5), result.Percentile(0.95),
            first, last, mib.Max(s => s.MiB), slope, last > first * (1 + DriftThreshold),
            mib.Select(s => new[] { Math.Round(s.Seconds, 1), Math.Round(s.MiB, 1) }).ToArray());
    }
}
