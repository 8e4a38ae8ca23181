using System.Diagnostics;
using System.Globalization;
using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Embeddings.Testing;
using Microsoft.Extensions.Logging.Abstractions;

/// <summary>
/// Mode <c>scheduler</c>: the batching engine's own cost per request. A <see cref="SimulatedEmbeddingModel"/>
/// with zero cost (8 dimensions, so the vector maths is negligible) sits behind a <see cref="BatchProcessor"/>;
/// closed-loop clients (each awaits its answer, then submits again) push a fixed number of requests.
/// Reports the median of several runs per (clients, max batch size): requests/s and microseconds per request
/// (wall time / requests), plus the mean batch size the engine formed. First, the planner alone: the cost of one
/// <see cref="BatchPlanner.Plan"/> over 256 waiting inputs of a wide length spread, per plan and per input it takes.
/// <code>dotnet run -c Release --project tests/Embeddings.Benchmarks -- scheduler [--runs 5] [--requests 100000]</code>
/// </summary>
internal static class SchedulerBenchmark
{
    private static readonly int[] Clients = [1, 16, 256];
    private static readonly int[] BatchSizes = [1, 8, 32];

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = Option(args, "--runs", 5);
        var requests = Option(args, "--requests", 100_000);
        MeasurePlanner(waiting: 256, runs);
        Console.WriteLine($"scheduler overhead: zero-cost simulated model, max wait 0 ms, {Environment.ProcessorCount} runners/cores, "
            + $"median of {runs} runs, {requests} requests per run (clients=1: {requests / 5})");
        Console.WriteLine($"{"clients",8} {"maxBatch",9} {"req/s",12} {"us/req",9} {"avg batch",10}");
        foreach (var clients in Clients)
        {
            foreach (var batchSize in BatchSizes)
            {
                var total = clients == 1 ? requests / 5 : requests;
                await MeasureAsync(clients, batchSize, total / 10); // warm-up
                var results = new List<(double PerSecond, double AverageBatch)>();
                for (var run = 0; run < runs; run++)
                {
                    results.Add(await MeasureAsync(clients, batchSize, total));
                }

                var median = results.OrderBy(r => r.PerSecond).ElementAt(results.Count / 2);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{clients,8} {batchSize,9} {median.PerSecond,12:N0} {1e6 / median.PerSecond,9:N2} {median.AverageBatch,10:N1}"));
            }
        }

        return 0;
    }

    private static async Task<(double PerSecond, double AverageBatch)> MeasureAsync(int clients, int maxBatchSize, int total)
    {
        var model = new SimulatedEmbeddingModel(new SimulatedModelOptions { Id = "sim", Dimensions = 8 });
        using var registry = new ModelRegistry([new RegisteredModel(model, new BatchingOptions
        {
            MaxBatchSize = maxBatchSize,
            MaxWaitMs = 0,
            MaxQueueLength = Math.Max(4096, clients),
        })]);
        await using var processor = new BatchProcessor(registry, TimeProvider.System, NullLogger<BatchProcessor>.Instance);
        var input = new ModelInput("the quick brown fox jumps over the lazy dog");
        var remaining = total;

        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await processor.SubmitAsync("sim", input).ConfigureAwait(false);
            }
        }))).ConfigureAwait(false);
        watch.Stop();

        var stats = processor.GetStats("sim");
        return (total / watch.Elapsed.TotalSeconds, stats.AverageBatchSize);
    }

    /// <summary>Times <see cref="BatchPlanner.Plan"/> over <paramref name="waiting"/> inputs of 3 to 256 tokens (mostly
    /// short, some long, as the benchmark corpus), with the shipped options, at max batch sizes 8 and 32.</summary>
    private static void MeasurePlanner(int waiting, int runs)
    {
        var random = new Random(42);
        var tokens = Enumerable.Range(0, waiting)
            .Select(_ => random.NextDouble() < 0.7 ? random.Next(3, 48) : random.Next(48, 257))
            .ToArray();
        // Each plan anchors on a different input: rotate which one is the oldest.
        var rotations = Enumerable.Range(0, waiting).Select(r => tokens[r..].Concat(tokens[..r]).ToArray()).ToArray();
        Console.WriteLine($"planner: {waiting} waiting, 3 to 256 tokens; median of {runs} runs of 20000 plans");
        Console.WriteLine($"{"maxBatch",9} {"us/plan",9} {"inputs/plan",12} {"us/input",9}");
        foreach (var batchSize in new[] { 8, 32 })
        {
            var options = new BatchingOptions { MaxBatchSize = batchSize };
            var taken = 0;
            var perPlan = Enumerable.Range(0, runs + 1).Select(_ =>
            {
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < 20_000; i++)
                {
                    taken += BatchPlanner.Plan(rotations[i % waiting], options).Positions.Length;
                }

                return watch.Elapsed.TotalMicroseconds / 20_000;
            }).Skip(1).Order().ToArray(); // the first run warms up
            var median = perPlan[perPlan.Length / 2];
            var inputs = taken / (20_000.0 * (runs + 1));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{batchSize,9} {median,9:N2} {inputs,12:N1} {median / inputs,9:N2}"));
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
