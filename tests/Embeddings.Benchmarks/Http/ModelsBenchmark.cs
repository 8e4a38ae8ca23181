using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Embeddings.Benchmarks.Corpus;
using Embeddings.Core.Models;

namespace Embeddings.Benchmarks.Http;

/// <summary>
/// Mode <c>models</c>: many models on one machine, in one run. Two servers from the Release build, one after the other:
/// one serving all-minilm-l6-v2 alone, and one serving <c>--models N</c> (default 12) ids over the same model folder
/// (each id a model of its own: its own queue and batches, one shared copy of the weights and one shared budget of
/// inference slots). Prints two tables:
/// <list type="number">
/// <item>Spread: 64 closed-loop clients, each request (one corpus item) to a random model: items/s, p95, peak RSS and
/// average batch size, N models against one (throughput target 0.9x or more, p95 1.2x or less, RSS 1.5x or less).</item>
/// <item>Fairness: one model flooded by 64 clients while each other model has one client; each quiet model's p95
/// against its latency with nothing else running (target 3x or less), and the flooded model's items/s against one
/// model's capacity (target 0.8x or more). Twice: the quiet clients closed loop (each sends again as soon as it is
/// answered, so eleven of them ask for more than the machine has), then at a fixed rate of <c>--quiet-rate</c>
/// requests per second each (default 1: light traffic, latency from each request's scheduled send).</item>
/// </list>
/// <code>dotnet run -c Release --project tests/Embeddings.Benchmarks -- models [--models 12] [--quiet-rate 1] [--slots N] [--duration 20] [--no-build]</code>
/// </summary>
internal static class ModelsBenchmark
{
    private const string Model = "all-minilm-l6-v2";
    private const int Clients = 64;

    public static async Task<int> RunAsync(string[] args)
    {
        var o = HarnessOptions.Parse(args, new HarnessOptions { DurationSeconds = 20 });
        var count = Option(args, "--models", 12);
        var quietRate = HarnessOptions.Number(args, "--quiet-rate") ?? 1;
        string[] slots = HarnessOptions.Number(args, "--slots") is { } n ? [$"--Embeddings:InferenceSlots={n}"] : [];
        var root = BuildAndPaths.RepositoryRoot();
        var corpus = BenchmarkCorpus.Load(o.Seed);
        var machine = MachineInfo.Describe();
        Console.WriteLine($"{machine.Cores} cores, {machine.CpuModel}, load average {machine.LoadAverage}; corpus {corpus.Count} items; "
            + $"{Clients} clients, {o.DurationSeconds:0} s per run after {o.WarmUpSeconds:0} s of warm-up");
        if (!o.NoBuild)
        {
            await BuildAndPaths.BuildReleaseAsync(root, BuildAndPaths.ApiProject).ConfigureAwait(false);
        }

        var dll = BuildAndPaths.ReleaseDll(root, BuildAndPaths.ApiProject);
        var folder = Path.Combine(EmbeddingsOptions.DefaultModelsDirectory(), Model);
        string[] copies = [.. Enumerable.Range(1, count - 1).Select(i => $"m{i:00}")];
        string[] ids = [Model, .. copies];

        Spread one;
        await using (var single = await ServerLauncher.StartAsync(dll, o.AdminKey, slots).ConfigureAwait(false))
        {
            one = await SpreadAsync(single, [Model], corpus, o).ConfigureAwait(false);
        }

        Spread many;
        Fairness fairness, light;
        var extra = slots.Concat(copies.SelectMany(id => (string[])[
            $"--Embeddings:Models:{id}:Path={folder}", $"--Embeddings:Models:{id}:Pooling=Mean", $"--Embeddings:Models:{id}:MaxTokens=256"]));
        await using (var shared = await ServerLauncher.StartAsync(dll, o.AdminKey, extra).ConfigureAwait(false))
        {
            many = await SpreadAsync(shared, ids, corpus, o).ConfigureAwait(false);
            fairness = await FairnessAsync(shared, ids, corpus, o, quietRate: null).ConfigureAwait(false);
            light = await FairnessAsync(shared, ids, corpus, o, quietRate).ConfigureAwait(false);
        }

        Print(one, many, count, fairness, light, quietRate);
        return 0;
    }

    /// <summary>64 clients, each request to a random one of <paramref name="ids"/>.</summary>
    private static async Task<Spread> SpreadAsync(ServerLauncher server, string[] ids, IReadOnlyList<string> corpus, HarnessOptions o)
    {
        using var client = Client(server, Clients);
        await RunAsync(client, Enumerable.Range(0, Clients).Select(c => Pick(ids, c)).ToArray(), corpus, o.WarmUp).ConfigureAwait(false);
        var before = await CountersAsync(client, ids).ConfigureAwait(false);
        using var rss = new RssSampler(server.ProcessId, TimeSpan.FromMilliseconds(200));
        var result = await RunAsync(client, Enumerable.Range(0, Clients).Select(_ => (Func<string>)(() => ids[Random.Shared.Next(ids.Length)])).ToArray(), corpus, o.Duration)
            .ConfigureAwait(false);
        var after = await CountersAsync(client, ids).ConfigureAwait(false);
        var batches = after.Batches - before.Batches;
        return new Spread(result.ItemsPerSecond, result.Percentile(0.95), (rss.Peak ?? 0) / 1048576.0,
            batches > 0 ? (double)(after.Completed - before.Completed) / batches : double.NaN, result.Errors);
    }

    /// <summary>The first model flooded by 64 clients, every other model with one closed-loop client (no
    /// <paramref name="quietRate"/>) or at a fixed rate each; and each quiet model alone first.</summary>
    private static async Task<Fairness> FairnessAsync(ServerLauncher server, string[] ids, IReadOnlyList<string> corpus, HarnessOptions o, double? quietRate)
    {
        using var client = Client(server, Clients + (ids.Length * 8));
        var quiet = ids[1..];
        var alone = await RunAsync(client, [Pick(quiet, 0)], corpus, TimeSpan.FromSeconds(o.DurationSeconds / 2)).ConfigureAwait(false);
        Func<string>[] flood = [.. Enumerable.Range(0, Clients).Select(_ => Pick(ids, 0))];
        if (quietRate is not { } rate)
        {
            Func<string>[] senders = [.. flood, .. quiet.Select((_, i) => Pick(quiet, i))];
            await RunAsync(client, senders, corpus, o.WarmUp).ConfigureAwait(false);
            var loaded = await RunAsync(client, senders, corpus, o.Duration).ConfigureAwait(false);
            var quietP95 = quiet.ToDictionary(id => id, id => Stats.Percentile(loaded.ByModel.GetValueOrDefault(id) ?? [], 0.95));
            return new Fairness(alone.Percentile(0.95), loaded.ByModel[ids[0]].Length / loaded.Seconds, quietP95, loaded.Errors);
        }

        // Each quiet model open loop at the rate, their schedules staggered so that they do not arrive together.
        var generators = quiet.Select(id => new LoadGenerator(client, id, corpus)).ToArray();
        Task<LoadResult[]> Light(TimeSpan duration) => Task.WhenAll(generators.Select(async (generator, i) =>
        {
            var offset = TimeSpan.FromSeconds(i / (rate * generators.Length));
            await Task.Delay(offset).ConfigureAwait(false);
            return await generator.RunAsync(new LoadSpec(0, duration - offset, rate)).ConfigureAwait(false);
        }));
        await Task.WhenAll(RunAsync(client, flood, corpus, o.WarmUp), Light(o.WarmUp)).ConfigureAwait(false);
        var (floodRun, lightRuns) = (RunAsync(client, flood, corpus, o.Duration), Light(o.Duration));
        var (flooded, quietRuns) = (await floodRun.ConfigureAwait(false), await lightRuns.ConfigureAwait(false));
        return new Fairness(alone.Percentile(0.95), flooded.ItemsPerSecond,
            quiet.Zip(quietRuns).ToDictionary(q => q.First, q => q.Second.Percentile(0.95)), flooded.Errors + quietRuns.Sum(r => r.Errors));
    }

    private static Func<string> Pick(string[] ids, int index) => () => ids[index % ids.Length];

    /// <summary>Closed loop: each sender (which picks its model for every request) sends one corpus item, waits, sends the next.</summary>
    private static async Task<Run> RunAsync(HttpClient client, Func<string>[] senders, IReadOnlyList<string> corpus, TimeSpan duration)
    {
        var latencies = new ConcurrentDictionary<string, ConcurrentQueue<double>>(StringComparer.Ordinal);
        var errors = 0;
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(senders.Select(pick => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                await SendAsync(pick(), Stopwatch.GetTimestamp()).ConfigureAwait(false);
            }
        }))).ConfigureAwait(false);
        return new Run(Stopwatch.GetElapsedTime(started).TotalSeconds, latencies.ToDictionary(l => l.Key, l => l.Value.ToArray()), errors);

        async Task SendAsync(string model, long sent)
        {
            var text = corpus[Interlocked.Increment(ref next) % corpus.Count];
            using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new { inputs = new[] { text } }));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync(new Uri($"embed/{model}", UriKind.Relative), content).ConfigureAwait(false);
            await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                latencies.GetOrAdd(model, _ => new()).Enqueue(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
            else
            {
                Interlocked.Increment(ref errors);
            }
        }
    }

    private static async Task<ModelCounters> CountersAsync(HttpClient client, string[] ids)
    {
        long completed = 0, batches = 0;
        foreach (var id in ids)
        {
            using var response = await client.GetAsync(new Uri($"models/{id}", UriKind.Relative)).ConfigureAwait(false);
            using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync().ConfigureAwait(false));
            var stats = document.RootElement.GetProperty("stats");
            completed += stats.GetProperty("completed").GetInt64();
            batches += stats.GetProperty("batches").GetInt64();
        }

        return new ModelCounters(completed, batches, 0, 0, 0, 0);
    }

    private static HttpClient Client(ServerLauncher server, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        BaseAddress = server.BaseAddress,
        Timeout = TimeSpan.FromSeconds(120),
    };

    private static void Print(Spread one, Spread many, int count, Fairness fairness, Fairness light, double quietRate)
    {
        string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
        Console.WriteLine();
        Console.WriteLine($"| {Clients} clients, each request to a random model | 1 model | {count} models | ratio | target |");
        Console.WriteLine("|---|---:|---:|---:|---|");
        Console.WriteLine($"| items/s | {F(one.ItemsPerSecond, "0.0")} | {F(many.ItemsPerSecond, "0.0")} | {F(many.ItemsPerSecond / one.ItemsPerSecond, "0.00")}x | >= 0.9x |");
        Console.WriteLine($"| p95 latency (ms) | {F(one.P95Ms, "0")} | {F(many.P95Ms, "0")} | {F(many.P95Ms / one.P95Ms, "0.00")}x | <= 1.2x |");
        Console.WriteLine($"| peak RSS (MiB) | {F(one.PeakMiB, "0")} | {F(many.PeakMiB, "0")} | {F(many.PeakMiB / one.PeakMiB, "0.00")}x | <= 1.5x |");
        Console.WriteLine($"| average batch size | {F(one.AverageBatch, "0.0")} | {F(many.AverageBatch, "0.0")} | | |");
        Console.WriteLine($"| errors | {one.Errors} | {many.Errors} | | 0 |");
        Console.WriteLine();
        Console.WriteLine($"| one model flooded ({Clients} clients), {count - 1} quiet | quiet: one closed-loop client each | quiet: {F(quietRate, "0.##")} request/s each | target |");
        Console.WriteLine("|---|---:|---:|---|");
        var (worst, worstLight) = (fairness.QuietP95Ms.MaxBy(q => q.Value), light.QuietP95Ms.MaxBy(q => q.Value));
        Console.WriteLine($"| quiet model alone, p95 (ms) | {F(fairness.AloneP95Ms, "0")} | {F(light.AloneP95Ms, "0")} | |");
        Console.WriteLine($"| quiet models under the flood, p95 (ms): median / worst | {F(Stats.Median(fairness.QuietP95Ms.Values.ToArray()), "0")} / {F(worst.Value, "0")} ({worst.Key}) "
            + $"| {F(Stats.Median(light.QuietP95Ms.Values.ToArray()), "0")} / {F(worstLight.Value, "0")} ({worstLight.Key}) | |");
        Console.WriteLine($"| worst quiet p95 / alone | {F(worst.Value / fairness.AloneP95Ms, "0.00")}x | {F(worstLight.Value / light.AloneP95Ms, "0.00")}x | <= 3x |");
        Console.WriteLine($"| flooded model, items/s / one model's capacity ({F(one.ItemsPerSecond, "0.0")}) | {F(fairness.FloodedPerSecond / one.ItemsPerSecond, "0.00")}x "
            + $"| {F(light.FloodedPerSecond / one.ItemsPerSecond, "0.00")}x | >= 0.8x |");
        Console.WriteLine($"| errors | {fairness.Errors} | {light.Errors} | 0 |");
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record Run(double Seconds, Dictionary<string, double[]> ByModel, int Errors)
    {
        public double ItemsPerSecond => ByModel.Values.Sum(l => l.Length) / Seconds;

        public double Percentile(double q) => Stats.Percentile(ByModel.Values.SelectMany(l => l).ToArray(), q);
    }

    private sealed record Spread(double ItemsPerSecond, double P95Ms, double PeakMiB, double AverageBatch, int Errors);

    private sealed record Fairness(double AloneP95Ms, double FloodedPerSecond, Dictionary<string, double> QuietP95Ms, int Errors);
}
