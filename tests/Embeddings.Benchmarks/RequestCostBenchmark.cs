using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Embeddings.Contracts;
using Embeddings.Core.Models;
using Embeddings.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

/// <summary>
/// Mode <c>request-cost</c>: what the request path costs, apart from inference. The API runs in this process on a real
/// Kestrel with a zero-cost simulated model ("simulated", 384 dimensions, max wait 0); one client sends requests of
/// <c>--inputs</c> texts one after another. Reports the median over <c>--runs</c> of the time and the bytes allocated per
/// request (process-wide: the client's share is the same whatever the server does), for texts the cache misses (new
/// texts every request) and for texts it holds (the same texts again).
/// <code>dotnet run -c Release --project tests/Embeddings.Benchmarks -- request-cost [--inputs 256] [--requests 200] [--runs 5]</code>
/// </summary>
internal static class RequestCostBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var inputs = Option(args, "--inputs", 256);
        var requests = Option(args, "--requests", 200);
        var runs = Option(args, "--runs", 5);
        await using var api = new SimulatedApi();
        using var client = api.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(2);

        Console.WriteLine($"request cost: {inputs} inputs per request, {requests} requests per run, median of {runs} runs, "
            + "zero-cost simulated model, one client");
        Console.WriteLine($"{"inputs are",12} {"ms/request",11} {"us/input",9} {"KiB/request",12} {"B/input",8}");
        var fixedTexts = Texts(inputs, "held");
        foreach (var (name, textsFor) in new (string, Func<int, string[]>)[]
        {
            ("cache misses", n => Texts(inputs, $"run {n}")),
            ("cache hits", _ => fixedTexts),
        })
        {
            await MeasureAsync(client, textsFor, requests / 10); // warm-up, and the held texts enter the cache
            var results = new List<(double Ms, double Bytes)>();
            for (var run = 0; run < runs; run++)
            {
                results.Add(await MeasureAsync(client, textsFor, requests));
            }

            var (ms, bytes) = results.OrderBy(r => r.Ms).ElementAt(results.Count / 2);
            var allocated = results.Select(r => r.Bytes).Order().ElementAt(results.Count / 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,12} {ms,11:N2} {ms * 1000 / inputs,9:N1} {allocated / 1024,12:N0} {allocated / inputs,8:N0}"));
        }

        return 0;
    }

    private static async Task<(double Ms, double Bytes)> MeasureAsync(HttpClient client, Func<int, string[]> textsFor, int requests)
    {
        var bodies = Enumerable.Range(0, requests).Select(r => JsonContent.Create(new { inputs = textsFor(r) })).ToArray();
        foreach (var body in bodies)
        {
            await body.LoadIntoBufferAsync(); // serialised before timing: the client's JSON work is not the server's
        }

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        foreach (var body in bodies)
        {
            using var response = await client.PostAsync(new Uri("/embed/simulated", UriKind.Relative), body);
            response.EnsureSuccessStatusCode();
            await response.Content.LoadIntoBufferAsync();
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return (elapsed.TotalMilliseconds / requests, (double)allocated / requests);
    }

    private static string[] Texts(int count, string tag) =>
        [.. Enumerable.Range(0, count).Select(i => $"request path cost {tag} input {i} with a few more words to tokenize")];

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The API on Kestrel in this process, with the simulated model beside the real ones (arctic off).</summary>
    private sealed class SimulatedApi : WebApplicationFactory<Embeddings.Api.ApiOptions> // any type of the API assembly names its entry point
    {
        public SimulatedApi() => UseKestrel(0);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Embeddings:Models:arctic-embed-xs:Enabled", "false");
            builder.UseSetting("Embeddings:MaxClientBatch", "100000");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.ConfigureTestServices(services => services.AddSingleton(sp =>
            {
                var real = ModelCatalog.Load(sp.GetRequiredService<IOptions<EmbeddingsOptions>>().Value, sp.GetRequiredService<ILoggerFactory>());
                var simulated = new SimulatedEmbeddingModel(new SimulatedModelOptions { Id = "simulated", Dimensions = 384 });
                return new ModelRegistry([.. real.All, new RegisteredModel(simulated, new BatchingOptions
                {
                    MaxBatchSize = 256,
                    MaxWaitMs = 0,
                    MaxBatchTokens = 1 << 20,
                    MaxQueueLength = 100_000,
                })]);
            }));
        }
    }
}
