using System.Diagnostics;
using System.Globalization;
using Embeddings.Benchmarks.Corpus;
using Embeddings.Core.Models;
using Embeddings.Core.Onnx.Quantization;
using Embeddings.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Embeddings.Benchmarks;

/// <summary>
/// Mode <c>raw</c>: in-process items/s of a model straight through <see cref="IEmbeddingModel.Embed"/>, no queue. For
/// batch sizes 1, 8 and 32, in arrival order and length-sorted, it compares one run at a time with 2 intra-op threads
/// against 2 concurrent runs with 1 thread each, and prints the median of several runs. With <c>--precision both</c>
/// the fp32 and int8 graphs are measured round by round (interleaved), so their ratio comes from one run, and the int8
/// graph's cosine to fp32 is measured on held-out text and on the corpus (the int8 graph is built beside the model on
/// first use, as the server does).
/// Usage: raw [--model all-minilm-l6-v2|arctic-embed-xs] [--precision fp32|int8|both] [--items 320] [--runs 3]
/// [--quality-items 1000] [--seed 42] [--models-dir DIR]
/// </summary>
internal static class RawOnnxBenchmark
{
    private static readonly int[] BatchSizes = [1, 8, 32];

    public static Task<int> RunAsync(string[] args)
    {
        var items = Option(args, "--items", 320);
        var runs = Option(args, "--runs", 3);
        var seed = Option(args, "--seed", 42);
        var qualityItems = Option(args, "--quality-items", 1000);
        var modelId = OptionText(args, "--model") ?? BuiltInModels.MiniLmId;
        var modelsDirectory = OptionText(args, "--models-dir") ?? EmbeddingsOptions.DefaultModelsDirectory();
        string[] precisions = (OptionText(args, "--precision") ?? Precisions.Fp32).ToLowerInvariant() switch
        {
            "both" => [Precisions.Fp32, Precisions.Int8],
            var one when Precisions.IsKnown(one) => [one],
            var other => throw new ArgumentException($"--precision takes fp32, int8 or both, not '{other}'."),
        };

        var loaded = precisions.ToDictionary(p => p, p => (Wide: Load(modelsDirectory, 2, modelId, p), Narrow: Load(modelsDirectory, 1, modelId, p)));
        try
        {
            var first = loaded[precisions[0]].Wide.Get(modelId).Model;
            var corpus = BenchmarkCorpus.Load(seed);
            var inputs = corpus.Take(items).Select(t => first.Tokenize(t, truncate: true)).ToArray();
            Console.WriteLine($"model: {modelId}; precision: {string.Join(" and ", precisions)}");
            PrintCorpus(corpus.Count, inputs);

            // Warm every session up (first runs allocate arenas and pick kernels).
            foreach (var (wide, narrow) in loaded.Values)
            {
                Measure(wide.Get(modelId).Model, Batches(inputs, 32, sorted: false), workers: 1);
                Measure(narrow.Get(modelId).Model, Batches(inputs, 32, sorted: false), workers: 2);
            }

            Console.WriteLine();
            Console.WriteLine($"median of {runs} runs over {inputs.Length} items, {string.Join(" and ", precisions)} interleaved run by run; "
                + $"{Environment.ProcessorCount} cores; load average before: {LoadAverage()}");
            Console.WriteLine();
            var both = precisions.Length == 2;
            var header = precisions.SelectMany(p => new[] { $"{p} 1 run x 2 threads", $"{p} 2 runs x 1 thread" }).ToList();
            Console.WriteLine($"| batch | order | {string.Join(" | ", header)} |{(both ? " int8 / fp32 (1x2) | int8 / fp32 (2x1) |" : " 2x1 / 1x2 |")}");
            Console.WriteLine($"|---:|---|{string.Concat(header.Select(_ => "---:|"))}{(both ? "---:|---:|" : "---:|")}");
            foreach (var batchSize in BatchSizes)
            {
                foreach (var sorted in new[] { false, true })
                {
                    var batches = Batches(inputs, batchSize, sorted);
                    var measured = precisions.ToDictionary(p => p, _ => (Single: new List<double>(), Concurrent: new List<double>()));
                    for (var r = 0; r < runs; r++)
                    {
                        foreach (var p in precisions)
                        {
                            measured[p].Single.Add(Measure(loaded[p].Wide.Get(modelId).Model, batches, workers: 1));
                            measured[p].Concurrent.Add(Measure(loaded[p].Narrow.Get(modelId).Model, batches, workers: 2));
                        }
                    }

                    var medians = precisions.Select(p => (Single: Median(measured[p].Single), Concurrent: Median(measured[p].Concurrent))).ToArray();
                    var cells = medians.SelectMany(m => new[] { Invariant($"{m.Single:0}"), Invariant($"{m.Concurrent:0}") });
                    var ratios = both
                        ? Invariant($" {medians[1].Single / medians[0].Single:0.00} | {medians[1].Concurrent / medians[0].Concurrent:0.00} |")
                        : Invariant($" {medians[0].Concurrent / medians[0].Single:0.00} |");
                    Console.WriteLine($"| {batchSize} | {(sorted ? "length-sorted" : "arrival")} | {string.Join(" | ", cells)} |{ratios}");
                }
            }

            if (precisions.Contains(Precisions.Int8))
            {
                using var fp32 = both ? null : Load(modelsDirectory, 2, modelId, Precisions.Fp32);
                var reference = (fp32 ?? loaded[Precisions.Fp32].Wide).Get(modelId).Model;
                PrintQuality(reference, loaded[Precisions.Int8].Wide.Get(modelId).Model, corpus.Take(qualityItems).ToList());
            }
        }
        finally
        {
            foreach (var (wide, narrow) in loaded.Values)
            {
                wide.Dispose();
                narrow.Dispose();
            }
        }

        return Task.FromResult(0);
    }

    internal static ModelRegistry Load(string modelsDirectory, int intraOpThreads) =>
        Load(modelsDirectory, intraOpThreads, BuiltInModels.MiniLmId, Precisions.Fp32);

    /// <summary>One built-in model alone, in the given precision (int8 is built beside the model on first use).</summary>
    internal static ModelRegistry Load(string modelsDirectory, int intraOpThreads, string modelId, string precision) => ModelCatalog.Load(
        new EmbeddingsOptions
        {
            ModelsDirectory = modelsDirectory,
            Models = new(BuiltInModels.All.ToDictionary(
                b => b.Id,
                b => new ModelOptions { Enabled = b.Id == modelId, IntraOpThreads = intraOpThreads, Precision = precision })),
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

    /// <summary>Cosine of int8 to fp32 vectors (length-sorted batches of 8, as the server forms them): on the calibration
    /// set (as the server measured it when it built the graph), on held-out text, and on the corpus.</summary>
    private static void PrintQuality(IEmbeddingModel fp32, IEmbeddingModel int8, IReadOnlyList<string> corpus)
    {
        Console.WriteLine();
        Console.WriteLine("| int8 cosine to fp32 | texts | mean | min |");
        Console.WriteLine("|---|---:|---:|---:|");
        if (int8.Descriptor.Quality is { } built)
        {
            Console.WriteLine(Invariant($"| calibration set (measured at build, GET /models) | {built.Sentences} | {built.MeanCosine:0.0000} | {built.MinCosine:0.0000} |"));
        }

        foreach (var (name, texts) in new[] { ("held-out text (tests/Embeddings.Testing)", HeldOutText.Sentences), ("benchmark corpus (licence texts)", corpus) })
        {
            var q = QualityProbe.Compare(fp32, int8, texts.Select(t => fp32.Tokenize(t, truncate: true)).ToList());
            Console.WriteLine(Invariant($"| {name} | {q.Sentences} | {q.MeanCosine:0.0000} | {q.MinCosine:0.0000} |"));
        }
    }

    private static void PrintCorpus(int corpusItems, TokenizedInput[] inputs)
    {
        var counts = inputs.Select(i => i.Count).Order().ToArray();
        int P(double q) => counts[(int)Math.Min(counts.Length - 1, q * counts.Length)];
        Console.WriteLine($"corpus: {BenchmarkCorpus.Source} ({corpusItems} items, first {inputs.Length} used)");
        Console.WriteLine(Invariant($"tokens per item: mean {counts.Average():0.0}, min {counts[0]}, p50 {P(0.5)}, p90 {P(0.9)}, max {counts[^1]}"));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

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
