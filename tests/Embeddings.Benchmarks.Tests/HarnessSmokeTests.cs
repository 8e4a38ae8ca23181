using System.Globalization;
using Embeddings.Benchmarks.Corpus;
using Embeddings.Benchmarks.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Embeddings.Benchmarks.Tests;

/// <summary>
/// The harness end to end on a tiny run: the real API on a real Kestrel socket, the real model, configurations 3 to 7
/// (sweep skipped) bounded by request count, never by time, so the outcome does not depend on the machine's speed.
/// </summary>
public sealed class HarnessSmokeTests : IDisposable
{
    private const string AdminKey = "smoke-admin-key";
    private readonly Factory _factory = new();

    [Fact]
    public async Task A_tiny_run_produces_a_well_formed_table_without_errors()
    {
        using var bootstrap = _factory.CreateClient(); // starts Kestrel; its address is the base address
        var options = new HarnessOptions
        {
            Clients = 4,
            Rounds = 1,
            WarmUpSeconds = 0,
            DurationSeconds = 120,
            MaxRequests = 12,
            SkipSweep = true,
            AdminKey = AdminKey,
        };
        using var api = new ApiClient(bootstrap.BaseAddress!, AdminKey, options.Clients);
        var corpus = BenchmarkCorpus.Load().Take(24).ToArray();
        var suite = new ServerSuite(api, new LoadGenerator(api.Http, options.Model, corpus), options.Model, Environment.ProcessId);

        var outcome = await ServerConfigurations.RunAsync(suite, options);
        var table = ReportWriter.Table(outcome.Rows).TrimEnd().Split('\n');

        Assert.Equal(["3", "4", "5", "7"], outcome.Rows.Select(r => r.Id));
        Assert.Equal(2 + outcome.Rows.Count, table.Length);
        Assert.StartsWith("| # | configuration |", table[0], StringComparison.Ordinal);
        foreach (var line in table)
        {
            Assert.Equal(ReportWriter.Columns.Length + 1, line.Count(c => c == '|'));
        }

        foreach (var row in outcome.Rows)
        {
            Assert.Equal(0, row.Errors);
            Assert.Equal(12, row.Items);
            Assert.True(row.ItemsPerSecond > 0);
            Assert.True(row.P50Ms <= row.P95Ms && row.P95Ms <= row.P99Ms);
            Assert.InRange(row.QueueP99Ms!.Value, 0, row.P99Ms!.Value); // the server's queue time is part of the client's latency
            Assert.InRange(row.AverageBatchSize!.Value, 1, 32);
            Assert.InRange(row.PaddingEfficiency!.Value, 0.01, 1);
            Assert.True(row.PeakRssMiB > 0);
            var itemsCell = table[2 + outcome.Rows.ToList().IndexOf(row)].Split('|')[5].Trim();
            Assert.True(double.TryParse(itemsCell, CultureInfo.InvariantCulture, out _), itemsCell);
        }

        Assert.Equal(1, outcome.NoBatching.AverageBatchSize);
    }

    [Fact]
    public void The_report_round_trips_through_json_and_markdown()
    {
        var row = new ResultRow("5", "server", "batch 32", "64 clients", 123.4, 10, 20, 30, 12, 16, 0.8, 512, 0, 1000, 3);
        var report = new BenchmarkReport(MachineInfo.Describe(), "cmd", "setup", [row], [], ["finding"],
            new Dictionary<string, double> { ["x"] = 1.5 });

        var back = ReportWriter.FromJson(ReportWriter.ToJson(report));
        var markdown = ReportWriter.Markdown(report);

        Assert.Equal(row, back!.Rows.Single());
        Assert.Contains(ReportWriter.Line(row), markdown, StringComparison.Ordinal);
        Assert.Contains("GPU path was not measured", markdown, StringComparison.Ordinal);
    }

    public void Dispose() => _factory.Dispose();

    private sealed class Factory : WebApplicationFactory<Embeddings.Api.ApiOptions> // any type of the API assembly names its entry point
    {
        public Factory() => UseKestrel(0);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Embeddings:AdminKey", AdminKey);
            builder.UseSetting("Embeddings:CacheEntries", "0");
            builder.UseSetting("Embeddings:Models:arctic-embed-xs:Enabled", "false");
        }
    }
}
