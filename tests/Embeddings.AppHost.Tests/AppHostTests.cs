using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Embeddings.Testing;
using Microsoft.Playwright;

namespace Embeddings.AppHost.Tests;

/// <summary>
/// The whole app, started by its AppHost as a user would run it (no Docker: redis-server and prometheus run as local
/// processes): redis with a password, two api replicas, the admin and Prometheus, and what the scale-out promises.
/// </summary>
[Collection(AppHostCollection.Name)]
public class AppHostTests
{
    private const string AdminKey = "apphost-test-admin-key";
    private const string Model = "all-minilm-l6-v2";
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_app_runs_scaled_out_sharing_config_through_redis_scraped_by_prometheus_and_traced_to_its_batches()
    {
        Prerequisites.RequireRedis();
        Prerequisites.RequirePrometheus();
        using var cts = new CancellationTokenSource(StartupTimeout);
        await using var otlp = await OtlpReceiver.StartAsync();
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Api:Replicas=2", "--Redis:Mode=executable", "--Prometheus:Mode=executable", $"--Parameters:admin-key={AdminKey}"], cts.Token);
        appHost.CreateResourceBuilder<ProjectResource>("api")
            .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.Url)
            .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
            .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "200");
        await using var app = await appHost.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        foreach (var resource in new[] { "redis", "api", "admin", "prometheus" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cts.Token);
        }

        using var api = app.CreateHttpClient("api");
        await RedisRequiresItsPasswordAsync(app, cts.Token);
        var replicas = await BothReplicasReportAsync(api);
        await AnEmbedIsAUnitVectorLinkedToItsBatchAsync(api, otlp);
        await AChangeWithTheAdminKeyReachesEveryReplicaAsync(api, replicas);
        await PrometheusScrapesEachReplicaAsync(app.GetEndpoint("prometheus", "http"), replicas);
        await PrometheusLoadedTheRulesAsync(app.GetEndpoint("prometheus", "http"));
        await AssertDashboardShowsBothReplicasAndTheModelsAsync(app.GetEndpoint("admin", "http"));
    }

    private static async Task RedisRequiresItsPasswordAsync(DistributedApplication app, CancellationToken ct)
    {
        var connection = await app.GetConnectionStringAsync("redis", ct);
        Assert.Contains(",password=", connection, StringComparison.Ordinal);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, int.Parse(connection!.Split(',')[0].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture), ct);
        await client.GetStream().WriteAsync("PING\r\n"u8.ToArray(), ct);
        var buffer = new byte[128];
        var read = await client.GetStream().ReadAsync(buffer, ct);
        Assert.StartsWith("-NOAUTH", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
    }

    /// <summary>Each replica's own address, from the stats they share through Redis.</summary>
    private static async Task<string[]> BothReplicasReportAsync(HttpClient api)
    {
        string[] addresses = [];
        await Eventually.TrueAsync(async () =>
        {
            var stats = await api.GetFromJsonAsync<JsonNode>(new Uri("/stats", UriKind.Relative));
            addresses = [.. stats!["replicas"]!.AsArray().Select(r => r!["address"]!.GetValue<string>()).Distinct()];
            return addresses.Length == 2;
        }, Limit, "both api replicas in /stats");
        return addresses;
    }

    private static async Task AnEmbedIsAUnitVectorLinkedToItsBatchAsync(HttpClient api, OtlpReceiver otlp)
    {
        // The test's own span goes out as traceparent, so the api's spans join this trace.
        using var caller = new Activity("apphost test").SetIdFormat(ActivityIdFormat.W3C).Start();
        using var response = await api.PostAsync(new Uri($"/embed/{Model}", UriKind.Relative),
            JsonContent.Create(new { inputs = new[] { $"traced through the whole app {Guid.NewGuid()}" } }));
        caller.Stop();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var vector = (await response.Content.ReadFromJsonAsync<JsonNode>())!["embeddings"]![0]!.AsArray().Select(x => x!.GetValue<float>()).ToArray();
        Assert.Equal(384, vector.Length);
        Assert.Equal(1, Math.Sqrt(vector.Sum(x => (double)x * x)), 4);

        // The spans end at different times (the server span last, after the response) and each replica exports on its
        // own schedule, so wait for the whole chain, not just its first span.
        var traceId = caller.TraceId.ToHexString();
        await Eventually.TrueAsync(() => Task.FromResult(HasTheLinkedChain(otlp.Spans(), traceId)),
            Limit, "the request's server span, its queue wait and the batch span linked to both, over OTLP");
    }

    /// <summary>
    /// A batch span linked to a server span of the request's trace, and a queue-wait span of that trace linked back to
    /// the batch.
    /// </summary>
    private static bool HasTheLinkedChain(IReadOnlyList<OtlpReceiver.Span> spans, string traceId) =>
        spans.Where(s => s.Name == "embed batch").Any(batch => batch.Links.Any(l => l.TraceId == traceId
            && spans.Any(s => s.TraceId == traceId && s.SpanId == l.SpanId)
            && spans.Any(s => s.TraceId == traceId && s.Name == "queue wait" && s.Links.Any(back => back.SpanId == batch.SpanId))));

    private static async Task AChangeWithTheAdminKeyReachesEveryReplicaAsync(HttpClient api, string[] replicas)
    {
        using var refused = await api.PutAsJsonAsync(new Uri($"/models/{Model}/batching", UriKind.Relative), new { maxBatchSize = 9 });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"/models/{Model}/batching", UriKind.Relative))
        {
            Content = JsonContent.Create(new { maxBatchSize = 9 }),
        };
        request.Headers.Authorization = new("Bearer", AdminKey);
        using var accepted = await api.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var version = (await accepted.Content.ReadFromJsonAsync<JsonNode>())!["config"]!["version"]!.GetValue<long>();

        foreach (var replica in replicas)
        {
            using var direct = new HttpClient { BaseAddress = new Uri(replica) };
            await Eventually.TrueAsync(async () =>
            {
                var model = await direct.GetFromJsonAsync<JsonNode>(new Uri($"/models/{Model}", UriKind.Relative));
                return model!["config"]!["version"]!.GetValue<long>() == version && model["batching"]!["maxBatchSize"]!.GetValue<int>() == 9;
            }, Limit, $"replica {replica} to apply the change");
        }
    }

    private static async Task PrometheusScrapesEachReplicaAsync(Uri prometheus, string[] replicas)
    {
        // Some requests on each replica (through the shared proxy, one connection keeps to one replica).
        foreach (var replica in replicas)
        {
            using var direct = new HttpClient { BaseAddress = new Uri(replica) };
            for (var i = 0; i < 3; i++)
            {
                using var response = await direct.PostAsync(new Uri($"/embed/{Model}", UriKind.Relative), JsonContent.Create(new { inputs = $"scraped {i} on {replica}" }));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        using var client = new HttpClient { BaseAddress = prometheus };
        var expected = replicas.Select(r => new Uri(r).Authority).Order(StringComparer.Ordinal).ToArray();
        string[] instances = [];
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                var answer = await client.GetFromJsonAsync<JsonNode>(new Uri("/api/v1/query?query=embeddings_requests_total", UriKind.Relative));
                instances = [.. answer!["data"]!["result"]!.AsArray().Select(r => r!["metric"]!["instance"]!.GetValue<string>()).Distinct().Order(StringComparer.Ordinal)];
                return instances.SequenceEqual(expected);
            }, TimeSpan.FromSeconds(90), $"Prometheus to scrape {string.Join(" and ", expected)}");
        }
        catch (TimeoutException ex)
        {
            // Say what Prometheus sees: its targets and why they are down, if they are.
            throw new TimeoutException($"{ex.Message} It has: {string.Join(", ", instances)}. Its targets: "
                + await client.GetStringAsync(new Uri("/api/v1/targets", UriKind.Relative)), ex);
        }
    }

    /// <summary>deploy/prometheus's alerting and recording rules are loaded and evaluated (its Alerts tab lists them).</summary>
    private static async Task PrometheusLoadedTheRulesAsync(Uri prometheus)
    {
        using var client = new HttpClient { BaseAddress = prometheus };
        JsonArray groups = [];
        await Eventually.TrueAsync(async () =>
        {
            var answer = await client.GetFromJsonAsync<JsonNode>(new Uri("/api/v1/rules", UriKind.Relative));
            groups = answer!["data"]!["groups"]!.AsArray();
            return groups.SelectMany(g => g!["rules"]!.AsArray()).All(r => r!["health"]!.GetValue<string>() == "ok") && groups.Count == 2;
        }, Limit, "Prometheus to load and evaluate the rules");

        var rules = groups.ToDictionary(g => g!["name"]!.GetValue<string>(), g => g!["rules"]!.AsArray().Select(r => (Type: r!["type"]!.GetValue<string>(), Name: r["name"]!.GetValue<string>())).ToList());
        Assert.Contains(rules["embeddings-alerts"], r => r is { Type: "alerting", Name: "EmbeddingsModelEngineDown" });
        Assert.All(rules["embeddings-alerts"], r => Assert.Equal("alerting", r.Type));
        Assert.Contains(rules["embeddings-recording"], r => r is { Type: "recording", Name: "instance_model:embeddings_queue_wait_seconds:p95_1m" });
    }

    private static async Task AssertDashboardShowsBothReplicasAndTheModelsAsync(Uri admin)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(admin.ToString());

        // Every page but the login (and /health) needs the admin key, which the AppHost gave the admin.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/login"), new() { Timeout = 30_000 });
        await page.GetByLabel("Admin key").FillAsync(AdminKey);
        await page.GetByTestId("login-submit").ClickAsync();

        await Assertions.Expect(page.GetByTestId("api-health")).ToHaveTextAsync("Healthy", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("replica-count")).ToContainTextAsync("2 live replicas", new() { Timeout = 30_000 });
        var table = page.GetByTestId("models-table");
        await Assertions.Expect(table).ToContainTextAsync(Model, new() { Timeout = 30_000 });
        await Assertions.Expect(table).ToContainTextAsync("arctic-embed-xs");
        await Assertions.Expect(table).ToContainTextAsync("cpu");
    }
}
