using System.Globalization;
using Embeddings.Benchmarks.Corpus;
using Embeddings.Core.Models;
using Embeddings.Core.Onnx;
using Embeddings.Core.Onnx.Quantization;
using Embeddings.Core.Onnx.Quantization.Calibration;
using Embeddings.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Embeddings.Benchmarks;

/// <summary>
/// Mode <c>int8-recipes</c>: the speed and quality of the ways to build the int8 graph, the shipped
/// <see cref="Int8Recipe.Default"/> among them, for one model. Each graph is built in memory from the fp32 one
/// (calibrated on the shipped calibration set), then measured: cosine to fp32 on the calibration set, on held-out text
/// and on the corpus, and items/s against fp32, run by run in turn (2 concurrent runs x 1 thread, length-sorted
/// batches of 8), median of the runs.
/// Usage: int8-recipes [--model all-minilm-l6-v2|arctic-embed-xs] [--items 320] [--runs 5] [--quality-items 1000]
/// [--models-dir DIR] [--shipped-only]
/// </summary>
internal static class Int8RecipesBenchmark
{
    private static readonly (string Name, Int8Recipe Recipe)[] Recipes =
    [
        ("all MatMuls, per column, no smoothing", new Int8Recipe()),
        ("all but the FFN output MatMuls, no smoothing", new Int8Recipe { KeepFloat = m => m.Narrows }),
        ("all but the first FFN output, no smoothing", new Int8Recipe { KeepFloat = m => m.NarrowingOrdinal == 0 }),
        ("all, SmoothQuant balanced α 0.5", new Int8Recipe { SmoothingAlpha = 0.5 }),
        ("all, outlier channels smoothed α 0.35", new Int8Recipe { SmoothingAlpha = 0.35, OutliersOnly = true }),
        ("all, outlier channels smoothed α 0.5", new Int8Recipe { SmoothingAlpha = 0.5, OutliersOnly = true }),
        ("**shipped**: all but the first FFN output, outliers smoothed α 0.5", Int8Recipe.Default),
    ];

    public static Task<int> RunAsync(string[] args)
    {
        var modelId = Text(args, "--model") ?? BuiltInModels.MiniLmId;
        var items = Number(args, "--items", 320);
        var runs = Number(args, "--runs", 5);
        var qualityItems = Number(args, "--quality-items", 1000);
        var modelsDirectory = Text(args, "--models-dir") ?? EmbeddingsOptions.DefaultModelsDirectory();
        using var registry = RawOnnxBenchmark.Load(modelsDirectory, 1, modelId, Precisions.Fp32);
        var fp32 = (OnnxEmbeddingModel)registry.Get(modelId).Model;
        var fp32Path = Path.Combine(modelsDirectory, modelId, "model.onnx");
        var calibration = CalibrationSet.Sentences.Select(t => fp32.Tokenize(t, truncate: true)).ToList();
        var heldOut = HeldOutText.Sentences.Select(t => fp32.Tokenize(t, truncate: true)).ToList();
        var corpus = BenchmarkCorpus.Load().Take(qualityItems).Select(t => fp32.Tokenize(t, truncate: true)).ToList();
        var speed = RawOnnxBenchmark.Batches([.. corpus.Take(items)], 8, sorted: true);
        Console.WriteLine($"{modelId}: {runs} runs of {speed.Sum(b => b.Length)} items per recipe, fp32 and int8 in turn; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine();
        Console.WriteLine("| int8 weights | calibration mean / min | held-out mean / min | corpus mean / min | items/s int8 / fp32 (runs) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, recipe) in args.Contains("--shipped-only") ? Recipes.Where(r => r.Recipe == Int8Recipe.Default) : Recipes)
        {
            var path = Path.Combine(Path.GetTempPath(), $"int8-recipe-{Guid.NewGuid():N}.onnx");
            try
            {
                File.WriteAllBytes(path, Int8GraphBuilder.Build(fp32Path, calibration, fp32.PadId, recipe, threads: 0));
                var settings = new OnnxModelSettings(modelId, path, Path.Combine(modelsDirectory, modelId, "vocab.txt"), fp32.Descriptor.Pooling,
                    fp32.Descriptor.Normalize, fp32.Descriptor.MaxTokens, fp32.Descriptor.Prompts) { IntraOpThreads = 1, ModelSha256 = new string('0', 64) };
                using var int8 = OnnxEmbeddingModel.Load(settings, NullLogger.Instance);
                var ratios = new List<double>();
                RawOnnxBenchmark.Measure(int8, speed, workers: 2); // warm-up
                for (var run = 0; run < runs; run++)
                {
                    var reference = RawOnnxBenchmark.Measure(fp32, speed, workers: 2);
                    ratios.Add(RawOnnxBenchmark.Measure(int8, speed, workers: 2) / reference);
                }

                ratios.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {Quality(fp32, int8, calibration)} | {Quality(fp32, int8, heldOut)} | {Quality(fp32, int8, corpus)} | {ratios[ratios.Count / 2]:0.00} ({string.Join(' ', ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}) |"));
            }
            finally
            {
                File.Delete(path);
            }
        }

        return Task.FromResult(0);
    }

    private static string Quality(IEmbeddingModel fp32, IEmbeddingModel int8, IReadOnlyList<TokenizedInput> inputs)
    {
        var q = QualityProbe.Compare(fp32, int8, inputs);
        return string.Create(CultureInfo.InvariantCulture, $"{q.MeanCosine:0.0000} / {q.MinCosine:0.0000}");
    }

    private static int Number(string[] args, string name, int fallback) =>
        Text(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? Text(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
