using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Embeddings.Testing;

namespace Embeddings.Benchmarks.Http;

/// <summary>
/// Mode <c>cache</c>: what the result cache saves, through the HTTP path. Starts a redis-server and two API replicas
/// (Release builds) sharing it, then times requests of 1 and of 32 inputs, one at a time (median and p95 of each):
/// uncached (new texts), served from Redis on the second replica (texts the first replica computed: one key per
/// input, looked up all at once), and served from the replica's own memory (the same texts again).
/// <code>dotnet run -c Release --project tests/Embeddings.Benchmarks -- cache [--requests 60]</code>
/// </summary>
internal static class CacheBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var requests = args.Length > 1 && args[0] == "--requests" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60;
        var root = BuildAndPaths.RepositoryRoot();
        await BuildAndPaths.BuildReleaseAsync(root, BuildAndPaths.ApiProject).ConfigureAwait(false);
        var dll = BuildAndPaths.ReleaseDll(root, BuildAndPaths.ApiProject);
        await using var redis = await RedisServer.StartAsync().ConfigureAwait(false);
        string[] withCache = [$"--ConnectionStrings:redis={redis.ConnectionString}", "--Embeddings:CacheEntries=100000"];
        await using var a = await ServerLauncher.StartAsync(dll, "unused", withCache).ConfigureAwait(false);
        await using var b = await ServerLauncher.StartAsync(dll, "unused", withCache).ConfigureAwait(false);
        using var clientA = new HttpClient { BaseAddress = a.BaseAddress };
        using var clientB = new HttpClient { BaseAddress = b.BaseAddress };

        Console.WriteLine($"{"request",-40} {"p50 ms",8} {"p95 ms",8} {"cache hits",11}");
        foreach (var size in new[] { 1, 32 })
        {
            var fresh = Texts(requests + 5, size, "fresh");
            var shared = Texts(requests + 5, size, "shared");
            await TimeAsync(clientB, fresh[..5], null).ConfigureAwait(false); // warm-up
            await TimeAsync(clientA, shared, null).ConfigureAwait(false); // replica A computes these; Redis gets them
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false); // the second level is written after the answer

            Report($"{size} input(s), uncached", await TimeAsync(clientB, fresh[5..], 0).ConfigureAwait(false), 0);
            Report($"{size} input(s), from Redis (other replica's)", await TimeAsync(clientB, shared[5..], size).ConfigureAwait(false), size);
            Report($"{size} input(s), from this replica's memory", await TimeAsync(clientB, shared[5..], size).ConfigureAwait(false), size);
        }

        return 0;
    }

    private static string[][] Texts(int count, int size, string tag) =>
        [.. Enumerable.Range(0, count).Select(r => Enumerable.Range(0, size)
            .Select(i => $"{tag} {Guid.NewGuid():N} the cache benchmark embeds this sentence, number {r}.{i}").ToArray())];

    /// <summary>Sends each request in turn; returns the latencies and checks the hits each got, when given.</summary>
    private static async Task<double[]> TimeAsync(HttpClient client, string[][] requests, int? expectedHits)
    {
        var latencies = new List<double>();
        foreach (var inputs in requests)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.PostAsync(new Uri("embed/all-minilm-l6-v2", UriKind.Relative),
                new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new { inputs })) { Headers = { ContentType = new("application/json") } })
                .ConfigureAwait(false);
            await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            response.EnsureSuccessStatusCode();
            var hits = int.Parse(response.Headers.GetValues("x-cache-hits").Single(), CultureInfo.InvariantCulture);
            if (expectedHits is { } expected && hits != expected)
            {
                throw new InvalidOperationException($"expected {expected} cache hits, the server said {hits}");
            }
        }

        return [.. latencies];
    }

    private static void Report(string name, double[] latencies, int hits) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-40} {Stats.Median(latencies),8:0.00} {Stats.Percentile(latencies, 0.95),8:0.00} {hits,11}"));
}
