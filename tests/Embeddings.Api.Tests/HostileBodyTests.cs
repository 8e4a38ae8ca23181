using System.Text;

namespace Embeddings.Api.Tests;

/// <summary>A corpus of hostile bodies: every one gets a 4xx problem, never a 500, and the server stays healthy.</summary>
[Collection(SharedApiCollection.Name)]
public sealed class HostileBodyTests(SharedApi api)
{
    /// <summary>The corpus by name, with the status each must get on the native and the OpenAI route (which knows no
    /// "inputs" member); bodies are built when a test runs, so test discovery never carries 10 MB rows.</summary>
    private static readonly Dictionary<string, (int Native, int OpenAi, Func<byte[]> Body)> Corpus = new()
    {
        ["empty body"] = (400, 400, () => Utf8("")),
        ["truncated JSON"] = (400, 400, () => Utf8("{\"inputs\": [\"a\", \"b\"")),
        ["bare string"] = (400, 400, () => Utf8("\"just text\"")),
        ["JSON null"] = (400, 400, () => Utf8("null")),
        ["array at top"] = (400, 400, () => Utf8("[\"a\"]")),
        ["null inputs"] = (400, 400, () => Utf8("{\"inputs\": null}")),
        ["null item"] = (400, 400, () => Utf8("{\"inputs\": [\"a\", null]}")),
        ["nested arrays"] = (400, 400, () => Utf8("{\"inputs\": [[\"a\"], [\"b\"]]}")),
        ["deep nesting"] = (400, 400, () => Utf8("{\"inputs\": " + new string('[', 5000) + new string(']', 5000) + "}")),
        ["object input"] = (400, 400, () => Utf8("{\"inputs\": {\"text\": \"a\"}}")),
        ["huge number"] = (400, 400, () => Utf8("{\"inputs\": \"a\", \"truncate\": 1e999999}")),
        ["number as bool"] = (400, 400, () => Utf8("{\"inputs\": \"a\", \"normalize\": 1}")),
        ["two documents"] = (400, 400, () => Utf8("{\"inputs\": \"a\"}{\"inputs\": \"b\"}")),
        ["trailing comma"] = (400, 400, () => Utf8("{\"inputs\": [\"a\",],}")),
        ["comments"] = (400, 400, () => Utf8("{/* hi */ \"inputs\": \"a\"}")),
        ["10k inputs"] = (413, 400, () => Utf8("{\"inputs\": [" + string.Join(',', Enumerable.Repeat("\"x\"", 10_000)) + "]}")),
        ["10 MB string"] = (413, 413, () => Utf8("{\"inputs\": \"" + new string('z', 10 * 1024 * 1024) + "\"}")),
        ["invalid UTF-8"] = (400, 400, () => [.. "{\"inputs\": \""u8.ToArray(), 0xC3, 0x28, 0xFF, 0xFE, .. "\"}"u8.ToArray()]),
        ["lone surrogate escape"] = (400, 400, () => Utf8("{\"inputs\": \"\\uD800\"}")),
    };

    public static TheoryData<string> Bodies() => [.. Corpus.Keys];

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Hostile_body_gets_its_4xx_problem_on_both_routes(string name)
    {
        var (nativeStatus, openAiStatus, build) = Corpus[name];
        var body = build();
        using var native = await api.Client.PostAsync(new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative), Json.Bytes(body));
        using var openAi = await api.Client.PostAsync(new Uri("/v1/embeddings", UriKind.Relative), Json.Bytes(body));

        await Json.AssertProblemAsync(native, nativeStatus);
        await Json.AssertProblemAsync(openAi, openAiStatus);

        using var health = await api.Client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Wrong_content_type_is_a_415_problem()
    {
        using var response = await api.Client.PostAsync(new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative),
            new StringContent("inputs=hello", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await Json.AssertProblemAsync(response, 415);
    }
}
