using System.Text;

namespace Embeddings.Api.Tests;

/// <summary>
/// A corpus of hostile requests on every route that takes a body or a path, the admin's PUT included: each gets its
/// own 4xx problem answer, never a 5xx, and the server stays healthy after each.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class HostileBodyTests(SharedApi api) : OnSharedApi(api)
{
    public enum Route
    {
        Native,
        OpenAi,
        Tuning,
    }

    private static readonly Dictionary<string, Case> Corpus = new()
    {
        // Broken JSON, the same bytes on every route.
        ["empty body"] = Case.Raw(400, ""),
        ["truncated JSON"] = Case.Raw(400, "{\"inputs\": [\"a\", \"b\""),
        ["bare string"] = Case.Raw(400, "\"just text\""),
        ["JSON null"] = Case.Raw(400, "null"),
        ["array at top"] = Case.Raw(400, "[\"a\"]"),
        ["two documents"] = Case.Raw(400, "{}{}"),
        ["trailing comma"] = Case.Raw(400, "{\"a\": 1,}"),
        ["comments"] = Case.Raw(400, "{/* hi */ \"a\": 1}"),
        ["deep nesting"] = Case.Raw(400, "{\"inputs\": " + new string('[', 5000) + new string(']', 5000) + "}"),
        ["invalid UTF-8"] = new(400, 400, 400, _ => [.. "{\"inputs\": \""u8.ToArray(), 0xC3, 0x28, 0xFF, 0xFE, .. "\"}"u8.ToArray()]),
        ["control characters"] = new(400, 400, 400, _ => [.. "{\"inputs\": \"a"u8.ToArray(), 0x00, 0x01, 0x1B, .. "b\"}"u8.ToArray()]),
        ["lone surrogate escape"] = Case.Texts(400, 400, "\"\\uD800\"", tuning: "{\"sortByLength\": \"\\uD800\"}"),
        ["10 MB body"] = new(413, 413, 413, _ => Utf8("{\"inputs\": \"" + new string('z', 10 * 1024 * 1024) + "\"}")),

        // Well-formed JSON of the wrong shape or size.
        ["one 1 MB string"] = Case.Texts(413, 413, "\"" + new string('z', 1024 * 1024) + "\"", tuning: "{\"sortByLength\": \"" + new string('z', 1024 * 1024) + "\"}"),
        ["100k-element array"] = Case.Texts(413, 413, "[" + string.Join(',', Enumerable.Repeat("\"x\"", 100_000)) + "]",
            tuning: "{\"maxBatchSize\": [" + string.Join(',', Enumerable.Repeat("1", 100_000)) + "]}"),
        ["numbers where strings belong"] = Case.Texts(400, 400, "[1, 2, 3]", tuning: "{\"maxBatchSize\": \"8\"}"),
        ["duplicate keys"] = new(400, 400, 400, route => Utf8(route switch
        {
            Route.Native => "{\"inputs\": \"a\", \"inputs\": \"b\"}",
            Route.OpenAi => "{\"model\": \"all-minilm-l6-v2\", \"model\": \"arctic-embed-xs\", \"input\": \"a\"}",
            _ => "{\"maxBatchSize\": 8, \"maxBatchSize\": 9}",
        })),
        ["null inputs"] = Case.Texts(400, 400, "null", tuning: "{\"maxWaitMs\": {}}"),
        ["null item"] = Case.Texts(400, 400, "[\"a\", null]", tuning: "{\"dispatchWhenIdle\": [true]}"),
        ["nested arrays"] = Case.Texts(400, 400, "[[\"a\"], [\"b\"]]", tuning: "{\"maxBatchSize\": [[8]]}"),
        ["object input"] = Case.Texts(400, 400, "{\"text\": \"a\"}", tuning: "{\"maxBatchSize\": {\"value\": 8}}"),
        ["huge number"] = Case.Texts(400, 400, "\"a\", \"dimensions\": 1e999999", tuning: "{\"maxBatchSize\": 1e999999}", nativeField: "\"a\", \"truncate\": 1e999999"),
        ["number as bool"] = Case.Texts(400, 400, "\"a\", \"encoding_format\": 1", tuning: "{\"sortByLength\": 1}", nativeField: "\"a\", \"normalize\": 1"),
        ["unknown member"] = Case.Texts(400, 400, "\"a\", \"colour\": \"red\"", tuning: "{\"colour\": \"red\"}"),
        ["options out of range"] = Case.Texts(400, 400, "\"\"", tuning: "{\"maxBatchSize\": 0, \"minPaddingEfficiency\": 1.5}"),
    };

    public static TheoryData<string> Bodies() => [.. Corpus.Keys];

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Hostile_body_gets_its_4xx_problem_on_every_route_and_the_server_stays_healthy(string name)
    {
        var hostile = Corpus[name];
        using var native = await Api.Client.PostAsync(new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative), Json.Bytes(hostile.Body(Route.Native)));
        using var openAi = await Api.Client.PostAsync(new Uri("/v1/embeddings", UriKind.Relative), Json.Bytes(hostile.Body(Route.OpenAi)));
        using var tuning = new HttpRequestMessage(HttpMethod.Put, new Uri($"/models/{ApiFactory.MiniLm}/batching", UriKind.Relative))
        {
            Content = Json.Bytes(hostile.Body(Route.Tuning)),
        };
        tuning.Headers.Authorization = new("Bearer", ApiFactory.AdminKey);
        using var tuned = await Api.Client.SendAsync(tuning);

        await Json.AssertProblemAsync(native, hostile.Native);
        await Json.AssertProblemAsync(openAi, hostile.OpenAi);
        await Json.AssertProblemAsync(tuned, hostile.Tuning);
        await AssertHealthyAsync();
    }

    public static TheoryData<string, string> Paths() => new()
    {
        { "POST", "/embed/" + new string('m', 10 * 1024) },
        { "POST", "/embed/..%2F..%2Fetc%2Fpasswd" },
        { "GET", "/models/" + new string('m', 10 * 1024) },
        { "GET", "/models/..%2F..%2F..%2Fetc%2Fshadow" },
        { "PUT", "/models/" + new string('m', 10 * 1024) + "/batching" },
        { "DELETE", "/models/..%2F..%2Fmodels%2Fall-minilm-l6-v2/batching" },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_hostile_model_name_is_a_404_problem_that_does_not_echo_it_whole(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new("Bearer", ApiFactory.AdminKey);
        if (method is "POST" or "PUT")
        {
            request.Content = Json.Body(method == "PUT" ? "{\"maxBatchSize\": 8}" : "{\"inputs\": \"a\"}");
        }

        using var response = await Api.Client.SendAsync(request);

        var problem = await Json.AssertProblemAsync(response, 404, "is not registered");
        Assert.True(problem["detail"]!.GetValue<string>().Length < 200);
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task Wrong_content_type_is_a_415_problem()
    {
        using var response = await Api.Client.PostAsync(new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative),
            new StringContent("inputs=hello", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await Json.AssertProblemAsync(response, 415, "must be JSON");
    }

    private async Task AssertHealthyAsync()
    {
        using var health = await Api.Client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>One hostile request: the status each route must answer, and its body for each route.</summary>
    public sealed record Case(int Native, int OpenAi, int Tuning, Func<Route, byte[]> Body)
    {
        /// <summary>The same bytes on every route, and the same answer.</summary>
        public static Case Raw(int status, string body) => new(status, status, status, _ => Utf8(body));

        /// <summary><paramref name="texts"/> as the texts of the embedding routes (or <paramref name="nativeField"/> on the
        /// native one), and <paramref name="tuning"/> as the admin's body (always a 400 there).</summary>
        public static Case Texts(int native, int openAi, string texts, string tuning, string? nativeField = null) =>
            new(native, openAi, 400, route => Utf8(route switch
            {
                Route.Native => $"{{\"inputs\": {nativeField ?? texts}}}",
                Route.OpenAi => $"{{\"model\": \"all-minilm-l6-v2\", \"input\": {texts}}}",
                _ => tuning,
            }));
    }
}
