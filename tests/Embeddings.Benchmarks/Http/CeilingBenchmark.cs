using System.Diagnostics;
using Embeddings.Core.Models;

namespace Embeddings.Benchmarks.Http;

/// <summary>
/// Configuration 1, the ceiling: all-minilm-l6-v2 straight through ONNX Runtime in this process, no HTTP and no
/// queue (the measuring code is <see cref="RawOnnxBenchmark"/>'s). Sweeps batch size (1, 8, 16, 32, length-sorted,
/// plus 32 in arrival order) and thread layout (one run with every core as intra-op threads, against one concurrent
/// run per core with one thread each); also times single items one at a time, as the server runs them (1 thread).
/// </summary>
internal static class CeilingBenchmark
{
    private static readonly (int Batch, bool Sorted)[] Shapes = [(1, true), (8, true), (16, true), (32, true), (32, false)];

    public sealed record Outcome(IReadOnlyList<ResultRow> Rows, ResultRow Best, double SingleItemP50Ms);

    public static Outcome Run(
        string modelsDirectory, IReadOnlyList<string> corpus, int items, int runs, string modelId = BuiltInModels.MiniLmId, string precision = Precisions.Fp32)
    {
        var cores = Environment.ProcessorCount;
        using var wide = RawOnnxBenchmark.Load(modelsDirectory, cores, modelId, precision);
        using var narrow = RawOnnxBenchmark.Load(modelsDirectory, 1, modelId, precision);
        var wideModel = wide.Get(modelId).Model;
        var narrowModel = narrow.Get(modelId).Model;
        var inputs = corpus.Take(items).Select(t => wideModel.Tokenize(t, truncate: true)).ToArray();

        foreach (var model in new[] { wideModel, narrowModel })
        {
            RawOnnxBenchmark.Measure(model, RawOnnxBenchmark.Batches(inputs, 32, sorted: false), workers: 1); // warm-up
        }

        var rows = new List<ResultRow>();
        foreach (var (batch, sorted) in Shapes)
        {
            var batches = RawOnnxBenchmark.Batches(inputs, batch, sorted);
            var padding = (double)batches.Sum(b => b.Sum(i => i.Count)) / batches.Sum(b => b.Max(i => i.Count) * b.Length);
            foreach (var (model, workers, layout) in new[] { (wideModel, 1, $"1 run x {cores} threads"), (narrowModel, cores, $"{cores} runs x 1 thread") })
            {
                var perSecond = Enumerable.Range(0, runs).Select(_ => RawOnnxBenchmark.Measure(model, batches, workers)).ToArray();
                var row = new ResultRow(
                    "1", $"ceiling: raw ONNX in-process{(precision == Precisions.Fp32 ? "" : $", {precision}")}", $"batch {batch}, {(sorted ? "sorted" : "arrival")}, {layout}", $"{inputs.Length} items",
                    Stats.Median(perSecond), null, null, null, null, batch, padding, null, 0, inputs.Length * runs, runs);
                Console.WriteLine(ReportWriter.Line(row));
                rows.Add(row);
            }
        }

        return new Outcome(rows, rows.MaxBy(r => r.ItemsPerSecond)!, SingleItemP50(narrowModel, inputs.Take(Math.Min(200, inputs.Length)).ToArray()));
    }

    /// <summary>Median ms of one item embedded alone, the items taken one after another (the low-load reference).</summary>
    private static double SingleItemP50(IEmbeddingModel model, TokenizedInput[] inputs)
    {
        var times = new double[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            model.Embed([inputs[i]]);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        return Stats.Median(times);
    }
}
