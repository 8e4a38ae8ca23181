using System.Diagnostics;
using System.Globalization;
using Embeddings.Benchmarks.Corpus;
using Embeddings.Core.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Embeddings.Benchmarks;

/// <summary>
/// Mode <c>raw</c>: in-process items/s of all-minilm-l6-v2 straight through <see cref="IEmbeddingModel.Embed"/>,
/// no queue. For batch sizes 1, 8 and 32, in arrival order and length-sorted, it compares one run at a time with
/// 2 intra-op threads against 2 concurrent runs with 1 thread each, and prints the median of several runs.
/// Usage: raw [--items 320] [--runs 3] [--seed 42] [--models-dir DIR]
/// </summary>
internal static class RawOnnxBenchmark
{
    private static readonly int[] BatchSizes = [1, 8, 32];

    public static Task<int> RunAsync(string[] args)
    {
        var items = Option(args, "--items", 320);
        var runs = Option(args, "--runs", 3);
        var seed = Option(args, "--seed", 42);
        var modelsDirectory = OptionText(args, "--models-dir") ?? EmbeddingsOptions.DefaultModelsDirectory();

        using var oneRunTwoThreads = Load(modelsDirectory, intraOpThreads: 2);
        using var twoRunsOneThread = Load(modelsDirectory, intraOpThreads: 1);
        var model = oneRunTwoThreads.Get(BuiltInModels.MiniLmId).Model;
        var concurrentModel = twoRunsOneThread.Get(BuiltInModels.MiniLmId).Model;

        var corpus = BenchmarkCorpus.Load(seed);
        var inputs = corpus.Take(items).Select(t => model.Tokenize(t, truncate: true)).ToArray();
        PrintCorpus(corpus.Count, inputs);

        // Warm both sessions up (first runs allocate arenas and pick kernels).
        foreach (var m in new[] { model, concurrentModel })
        {
            Measure(m, Batches(inputs, 32, sorted: false), workers: 1);
        }

        Console.WriteLine();
        Console.WriteLine($"median of {runs} runs over {inputs.Length} items; {Environment.ProcessorCount} cores; load average before: {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| batch | order | 1 run x 2 threads (items/s) | 2 runs x 1 thread (items/s) | 2x1 / 1x2 |");
        Console.WriteLine("|---:|---|---:|---:|---:|");
        foreach (var batchSize in BatchSizes)
        {
            foreach (var sorted in new[] { false, true })
            {
                var batches = Batches(inputs, batchSize, sorted);
                var single = new List<double>();
                var concurrent = new List<double>();
                for (var r = 0; r < runs; r++)
                {
                    single.Add(Measure(model, batches, workers: 1));
                    concurrent.Add(Measure(concurrentModel, batches, workers: 2));
                }

                var a = Median(single);
                var b = Median(concurrent);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {batchSize} | {(sorted ? "length-sorted" : "arrival")} | {a:0} | {b:0} | {b / a:0.00} |"));
            }
        }

        return Task.FromResult(0);
    }

    internal static ModelRegistry Load(string modelsDirectory, int intraOpThreads) => ModelCatalog.Load(
        new EmbeddingsOptions
        {
            ModelsDirectory = modelsDirectory,
            Models = new()
            {
                [BuiltInModels.MiniLmId] = new ModelOptions { IntraOpThreads = intraOpThreads },
                [BuiltInModels.ArcticXsId] = new ModelOptions { Enabled = false },
            },
        },
        NullLoggerFactory.Instance);

    /// <summary>Arrival order: consecutive chunks. Length-sorted: the items sorted by token count, then chunked,
    /// which is the least padding a batcher can reach.</summary>
    internal static TokenizedInput[][] Batches(TokenizedInput[] inputs, int size, bool sorted) =>
        (sorted ? inputs.OrderBy(i => i.Count).ToArray() : inputs).Chunk(size).ToArray();

    /// <summary>Items per second with <paramref name="workers"/> threads taking the next batch until none is left.</summary>
    internal static double Measure(IEmbeddingModel model, TokenizedInput[][] batches, int workers)
    {
        var next = -1;
        var threads = Enumerable.Range(0, workers).Select(_ => new Thread(() =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < batches.Length)
            {
                model.Embed(batches[i]);
            }
        })).ToArray();

        var started = Stopwatch.GetTimestamp();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        return batches.Sum(b => b.Length) / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static void PrintCorpus(int corpusItems, TokenizedInput[] inputs)
    {
        var counts = inputs.Select(i => i.Count).Order().ToArray();
        int P(double q) => counts[(int)Math.Min(counts.Length - 1, q * counts.Length)];
        Console.WriteLine($"corpus: {BenchmarkCorpus.Source} ({corpusItems} items, first {inputs.Length} used)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tokens per item: mean {counts.Average():0.0}, min {counts[0]}, p50 {P(0.5)}, p90 {P(0.9)}, max {counts[^1]}"));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static int Option(string[] args, string name, int fallback) =>
        OptionText(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? OptionText(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
