using System.Text.Json.Nodes;
using Embeddings.Testing;

namespace Embeddings.Api.Tests.Contract;

/// <summary>
/// Redocly CLI, as pinned in tests/openapi/package.json and installed there by <c>npm ci</c> (.ci/run does), linting a
/// served document with tests/openapi/redocly.yaml (the recommended rules) and the justified exceptions beside it. It
/// runs offline: the CLI is local, and redocly.yaml turns its telemetry off.
/// </summary>
public static class RedoclyLint
{
    public sealed record Totals(int Errors, int Warnings, int Ignored, string Problems);

    private static readonly string Cli = Path.Combine(RepositoryPaths.Root, "tests", "openapi", "node_modules", ".bin", "redocly");
    private static readonly string Config = Path.Combine(AppContext.BaseDirectory, "openapi");

    /// <summary>The ignore file's entries: each justified warning it keeps.</summary>
    public static int JustifiedWarnings =>
        File.ReadAllLines(Path.Combine(Config, ".redocly.lint-ignore.yaml")).Count(line => line.TrimStart().StartsWith("- '#/", StringComparison.Ordinal));

    public static async Task<Totals> LintAsync(ServedDocument document)
    {
        Assert.True(File.Exists(Cli), $"Redocly CLI is not installed at {Cli}: run npm ci --prefix tests/openapi (.ci/run does).");
        var folder = Directory.CreateTempSubdirectory("embeddings-redocly-");
        try
        {
            foreach (var file in Directory.GetFiles(Config))
            {
                File.Copy(file, Path.Combine(folder.FullName, Path.GetFileName(file)));
            }

            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "openapi.json"), document.Text);
            var result = await CommandLine.RunAsync(
                Cli, ["lint", "--config", "redocly.yaml", "--format", "json", "openapi.json"], folder.FullName,
                new Dictionary<string, string> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" },
                TimeSpan.FromMinutes(2), "Install it: npm ci --prefix tests/openapi.");

            var report = JsonNode.Parse(result.Output[result.Output.IndexOf('{', StringComparison.Ordinal)..])
                ?? throw new InvalidOperationException($"Redocly printed no report:\n{result.Everything}");
            var totals = report["totals"]!;
            var problems = string.Join("\n", report["problems"]!.AsArray().Select(p =>
                $"{p!["severity"]} {p["ruleId"]} at {p["location"]?[0]?["pointer"]}: {p["message"]}"));
            return new Totals(totals["errors"]!.GetValue<int>(), totals["warnings"]!.GetValue<int>(), totals["ignored"]!.GetValue<int>(), problems);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
