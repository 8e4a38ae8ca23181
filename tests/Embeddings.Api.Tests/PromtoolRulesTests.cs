using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Embeddings.Api.Stats;
using Embeddings.Contracts;
using Embeddings.Core.Batching;

namespace Embeddings.Api.Tests;

/// <summary>deploy/prometheus's rules, checked and unit-tested by promtool, and the cluster percentiles held against
/// Prometheus's own histogram_quantile.</summary>
public sealed partial class PromtoolRulesTests
{
    private static string Rules => Promtool.RulesFolder;

    [Fact]
    public async Task The_alerting_and_recording_rules_pass_promtool_check_rules()
    {
        var (exitCode, output) = await Promtool.RunAsync(Rules, null, "check", "rules", "alerts.yml", "recording.yml");

        Assert.True(exitCode == 0, output);
        Assert.Contains($"SUCCESS: {AlertNames().Count} rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_rules_pass_their_promtool_unit_tests()
    {
        var (exitCode, output) = await Promtool.RunAsync(Rules, null, "test", "rules", "alerts_test.yml", "recording_test.yml");

        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("FAILED", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_alert_has_a_runbook_and_a_unit_test_that_fires_it_and_one_that_clears_it()
    {
        var alerts = File.ReadAllText(Path.Combine(Rules, "alerts.yml"));
        var tests = File.ReadAllText(Path.Combine(Rules, "alerts_test.yml"));
        var fired = Fires().Matches(tests).Select(m => m.Groups["alert"].Value).ToHashSet(StringComparer.Ordinal);
        var cleared = Clears().Matches(tests).Select(m => m.Groups["alert"].Value).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(AlertNames());
        Assert.All(alerts.Split("- alert: ").Skip(1), rule => Assert.Contains("runbook: ", rule, StringComparison.Ordinal));
        Assert.All(AlertNames(), alert =>
        {
            Assert.True(fired.Contains(alert), $"{alert}: no test in which it fires");
            Assert.True(cleared.Contains(alert), $"{alert}: no test in which it is not firing");
        });
    }

    [Fact]
    public async Task The_cluster_percentiles_are_what_prometheus_histogram_quantile_gives_on_the_same_buckets()
    {
        // Two replicas' windows of request durations, unevenly spread over the buckets.
        var replicas = new[] { Window(0.003, 0.02, 0.02, 0.04, 0.2, 0.7, 3), Window(0.0004, 0.008, 0.09, 0.09, 0.3, 12, 40) };
        var stats = replicas.Select((buckets, i) => new ReplicaStats($"r{i}", null, DateTimeOffset.UnixEpoch,
            [new ModelLiveStats("m", 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, "cpu", 1, LatencyBuckets: buckets)])).ToList();
        var total = ClusterTotals.Of(DateTimeOffset.UnixEpoch, stats).Total.Single();

        // The same counts as Prometheus series (cumulative, one per le and replica), and histogram_quantile over their sum.
        var folder = Directory.CreateTempSubdirectory("embeddings-promtool-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "quantile_test.yml"), QuantileTest(replicas, new()
            {
                [0.5] = total.LatencyP50Ms / 1000,
                [0.95] = total.LatencyP95Ms / 1000,
                [0.99] = total.LatencyP99Ms / 1000,
            }));
            var (exitCode, output) = await Promtool.RunAsync(folder, null, "test", "rules", "quantile_test.yml");

            Assert.True(exitCode == 0, output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static BucketCounts Window(params double[] seconds)
    {
        var counter = new BucketCounter(EmbeddingsMeter.SecondsBuckets);
        foreach (var value in seconds.SelectMany((s, i) => Enumerable.Repeat(s, i + 1)))
        {
            counter.Record(value);
        }

        return counter.Snapshot();
    }

    /// <summary>A promtool test asserting that histogram_quantile(q, sum by (le) (...)) is each expected value (within
    /// 1e-12: the last digit of a float is not the point).</summary>
    private static string QuantileTest(BucketCounts[] replicas, Dictionary<double, double> expected)
    {
        static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        var yaml = new StringBuilder("rule_files: []\ntests:\n  - interval: 1m\n    input_series:\n");
        for (var r = 0; r < replicas.Length; r++)
        {
            long cumulative = 0;
            for (var b = 0; b < replicas[r].Counts.Count; b++)
            {
                cumulative += replicas[r].Counts[b];
                var le = b < replicas[r].UpperBounds.Count ? Number(replicas[r].UpperBounds[b]) : "+Inf";
                yaml.Append(CultureInfo.InvariantCulture, $"      - series: 'latency_bucket{{replica=\"{r}\", le=\"{le}\"}}'\n        values: '{cumulative}'\n");
            }
        }

        yaml.Append("    promql_expr_test:\n");
        foreach (var (q, value) in expected)
        {
            yaml.Append(CultureInfo.InvariantCulture,
                $"      - expr: abs(histogram_quantile({Number(q)}, sum by (le) (latency_bucket)) - {Number(value)}) < bool 1e-12\n        eval_time: 0m\n        exp_samples:\n          - labels: '{{}}'\n            value: 1\n");
        }

        return yaml.ToString();
    }

    private static IReadOnlyList<string> AlertNames() =>
        [.. AlertRule().Matches(File.ReadAllText(Path.Combine(Rules, "alerts.yml"))).Select(m => m.Groups["alert"].Value)];

    [GeneratedRegex(@"^\s*- alert: (?<alert>\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AlertRule();

    [GeneratedRegex(@"alertname: (?<alert>\w+)\s*\n\s*exp_alerts:\s*\n\s*- exp_labels:")]
    private static partial Regex Fires();

    [GeneratedRegex(@"alertname: (?<alert>\w+)\s*\n\s*exp_alerts: \[\]")]
    private static partial Regex Clears();
}
