using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Embeddings.Contracts;
using Embeddings.Core.Models;

namespace Embeddings.Benchmarks.Http;

/// <summary>
/// Mode <c>http --precision both</c>: fp32 against int8 in one run, interleaved round by round so that both see the same
/// machine. Rows: 1 / 1i, the raw ceiling (in-process, length-sorted batches of 8, one run per core with one thread each);
/// 5 / 5i, a server at the shipped defaults (two servers started side by side, loaded one at a time). Prints the
/// table, the ratios against the targets and the int8 server's quality, and writes BENCHMARKS-int8.md and
/// benchmarks-int8.json (to <c>--out</c>, by default the repository root).
/// </summary>
internal static class PrecisionComparison
{
    private const int RawBatch = 8;

    public static async Task<int> RunAsync(HarnessOptions o, string root, MachineInfo machine, IReadOnlyList<string> corpus, string command)
    {
        Console.WriteLine($"fp32 against int8, {o.Model}, interleaved: raw {o.RawRuns} runs of {o.RawItems} items, server {o.Rounds} rounds of {o.DurationSeconds:0} s");
        var (raw32, raw8) = RawCeilings(o, corpus);

        await using var fp32 = await ServerLauncher.StartAsync(BuildAndPaths.ReleaseDll(root, BuildAndPaths.ApiProject), o.AdminKey,
            [$"--Embeddings:Models:{o.Model}:Precision={Precisions.Fp32}"]).ConfigureAwait(false);
        await using var int8 = await ServerLauncher.StartAsync(BuildAndPaths.ReleaseDll(root, BuildAndPaths.ApiProject), o.AdminKey,
            [$"--Embeddings:Models:{o.Model}:Precision={Precisions.Int8}"]).ConfigureAwait(false);
        using var fp32Api = new ApiClient(fp32.BaseAddress, o.AdminKey, o.Clients);
        using var int8Api = new ApiClient(int8.BaseAddress, o.AdminKey, o.Clients);
        var suites = new[]
        {
            (Id: "5", Name: "server fp32, shipped defaults", Suite: new ServerSuite(fp32Api, new LoadGenerator(fp32Api.Http, o.Model, corpus), o.Model, fp32.ProcessId)),
            (Id: "5i", Name: "server int8, shipped defaults", Suite: new ServerSuite(int8Api, new LoadGenerator(int8Api.Http, o.Model, corpus), o.Model, int8.ProcessId)),
        };
        var closed = new LoadSpec(o.Clients, o.Duration, MaxRequests: o.MaxRequests);
        var rounds = suites.ToDictionary(s => s.Id, _ => new List<ResultRow>());
        for (var round = 0; round < o.Rounds; round++)
        {
            foreach (var (id, name, suite) in suites)
            {
                rounds[id].Add(await suite.MeasureAsync(id, name, ServerSettings.Shipped(), closed, 1, round == 0 ? o.WarmUp : TimeSpan.Zero).ConfigureAwait(false));
            }
        }

        var server32 = Combine(rounds["5"]);
        var server8 = Combine(rounds["5i"]);
        var quality = await QualityAsync(int8Api, o.Model).ConfigureAwait(false);
        var rows = new[] { raw32, raw8, server32, server8 };
        var ratios = new Dictionary<string, double>
        {
            ["rawInt8OverFp32"] = raw8.ItemsPerSecond / raw32.ItemsPerSecond,
            ["serverInt8OverFp32"] = server8.ItemsPerSecond / server32.ItemsPerSecond,
        };
        var findings = new List<string>
        {
            Invariant($"Raw int8 / fp32 (1i / 1): {ratios["rawInt8OverFp32"]:0.00}x; target >= 1.8x: {(ratios["rawInt8OverFp32"] >= 1.8 ? "met" : "NOT met")}."),
            Invariant($"Server int8 / fp32 at the shipped defaults (5i / 5): {ratios["serverInt8OverFp32"]:0.00}x; target >= 1.6x: {(ratios["serverInt8OverFp32"] >= 1.6 ? "met" : "NOT met")}."),
            quality is null
                ? "The int8 server showed no quality."
                : Invariant($"Int8 quality (GET /models/{o.Model}, measured when its graph was built): cosine to fp32 mean {quality.MeanCosine:0.0000}, min {quality.MinCosine:0.0000} over {quality.Sentences} calibration sentences."),
            Invariant($"Rounds: raw items/s per run and server items/s per round are medians; the machine's load average was {machine.LoadAverage} at the start and {MachineInfo.LoadAverageNow()} at the end."),
        };

        var report = new BenchmarkReport(machine, command, Setup(o), rows, [.. rounds.Values.SelectMany(r => r)], findings, ratios);
        Console.WriteLine();
        Console.WriteLine(ReportWriter.Table(rows));
        findings.ForEach(f => Console.WriteLine($"- {f}"));
        var output = o.OutputDirectory ?? root;
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(Path.Combine(output, "BENCHMARKS-int8.md"), Markdown(report)).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(output, "benchmarks-int8.json"), ReportWriter.ToJson(report)).ConfigureAwait(false);
        Console.WriteLine($"wrote {Path.Combine(output, "BENCHMARKS-int8.md")} and benchmarks-int8.json");
        return rows.Sum(r => r.Errors) == 0 ? 0 : 1;
    }

    /// <summary>The in-process ceiling of each precision, measured run by run in turn.</summary>
    private static (ResultRow Fp32, ResultRow Int8) RawCeilings(HarnessOptions o, IReadOnlyList<string> corpus)
    {
        var cores = Environment.ProcessorCount;
        var modelsDirectory = EmbeddingsOptions.DefaultModelsDirectory();
        using var fp32 = RawOnnxBenchmark.Load(modelsDirectory, 1, o.Model, Precisions.Fp32);
        using var int8 = RawOnnxBenchmark.Load(modelsDirectory, 1, o.Model, Precisions.Int8);
        var models = new[] { fp32.Get(o.Model).Model, int8.Get(o.Model).Model };
        var inputs = corpus.Take(o.RawItems).Select(t => models[0].Tokenize(t, truncate: true)).ToArray();
        var batches = RawOnnxBenchmark.Batches(inputs, RawBatch, sorted: true);
        var perSecond = models.Select(m =>
        {
            RawOnnxBenchmark.Measure(m, batches, cores); // warm-up
            return new List<double>();
        }).ToArray();
        for (var run = 0; run < o.RawRuns; run++)
        {
            for (var m = 0; m < models.Length; m++)
            {
                perSecond[m].Add(RawOnnxBenchmark.Measure(models[m], batches, cores));
            }
        }

        var padding = (double)batches.Sum(b => b.Sum(i => i.Count)) / batches.Sum(b => b.Max(i => i.Count) * b.Length);
        ResultRow Row(string id, string precision, List<double> values)
        {
            var row = new ResultRow(id, $"ceiling {precision}: raw ONNX in-process", $"batch {RawBatch}, sorted, {cores} runs x 1 thread",
                $"{inputs.Length} items", Stats.Median([.. values]), null, null, null, null, RawBatch, padding, null, 0, inputs.Length * values.Count, values.Count);
            Console.WriteLine(ReportWriter.Line(row));
            return row;
        }

        return (Row("1", Precisions.Fp32, perSecond[0]), Row("1i", Precisions.Int8, perSecond[1]));
    }

    /// <summary>One row from single-round rows: medians of the figures, sums of the counts.</summary>
    private static ResultRow Combine(List<ResultRow> rounds)
    {
        double? Median(Func<ResultRow, double?> pick) =>
            rounds.Select(pick).Where(v => v is not null).Select(v => v!.Value).ToArray() is { Length: > 0 } values ? Stats.Median(values) : null;
        return rounds[0] with
        {
            ItemsPerSecond = Median(r => r.ItemsPerSecond)!.Value,
            P50Ms = Median(r => r.P50Ms),
            P95Ms = Median(r => r.P95Ms),
            P99Ms = Median(r => r.P99Ms),
            QueueP99Ms = Median(r => r.QueueP99Ms),
            AverageBatchSize = Median(r => r.AverageBatchSize),
            PaddingEfficiency = Median(r => r.PaddingEfficiency),
            PeakRssMiB = rounds.Max(r => r.PeakRssMiB),
            Errors = rounds.Sum(r => r.Errors),
            Items = rounds.Sum(r => r.Items),
            Rounds = rounds.Count,
        };
    }

    private static async Task<PrecisionQuality?> QualityAsync(ApiClient api, string model)
    {
        var info = await api.Http.GetFromJsonAsync<JsonElement>(new Uri($"models/{model}", UriKind.Relative)).ConfigureAwait(false);
        return info.TryGetProperty("quality", out var q) && q.ValueKind == JsonValueKind.Object
            ? new PrecisionQuality(q.GetProperty("meanCosine").GetDouble(), q.GetProperty("minCosine").GetDouble(), q.GetProperty("sentences").GetInt32())
            : null;
    }

    private static string Setup(HarnessOptions o) => Invariant(
        $"{o.Model}; the corpus in random order, one item per request, {o.Clients} closed-loop clients over HTTP on loopback, result cache off; {o.Rounds} rounds of {o.DurationSeconds:0} s per server, fp32 and int8 in turn; raw: {o.RawRuns} runs of {o.RawItems} items each, in turn.");

    private static string Markdown(BenchmarkReport report)
    {
        var m = report.Machine;
        var text = new StringBuilder();
        text.AppendLine("# Int8 against fp32");
        text.AppendLine();
        text.AppendLine("Generated by the benchmark harness (`tests/Embeddings.Benchmarks`, mode `http --precision both`); the raw figures");
        text.AppendLine("are in `benchmarks-int8.json`. Rerun with:");
        text.AppendLine();
        text.AppendLine("```bash");
        text.AppendLine(report.Command);
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine(Invariant($"Machine: {m.Cores} cores, {m.CpuModel}, {m.MemoryGiB:0.0} GiB, {m.Os}, {m.DotNet}; {m.Date:yyyy-MM-dd HH:mm} UTC, load average at start {m.LoadAverage}."));
        text.AppendLine();
        text.AppendLine(report.Setup);
        text.AppendLine();
        text.Append(ReportWriter.Table(report.Rows));
        text.AppendLine();
        text.AppendLine("Each round:");
        text.AppendLine();
        text.Append(ReportWriter.Table(report.Sweep));
        text.AppendLine();
        foreach (var line in report.Findings)
        {
            text.AppendLine($"- {line}");
        }

        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
