using System.Text;

namespace Embeddings.Api.Tests;

/// <summary>A corpus of hostile bodies: every one gets a 4xx problem, never a 500, and the server stays healthy.</summary>
[Collection(SharedApiCollection.Name)]
public sealed class HostileBodyTests(SharedApi api)
{
    /// <summary>The corpus by name; bodies are built when a test runs, so test discovery never carries 10 MB rows.</summary>
    private static readonly Dictionary<string, Func<byte[]>> Corpus = new()
    {
        ["empty body"] = () => Utf8(""),
        ["truncated JSON"] = () => Utf8("{\"inputs\": [\"a\", \"b\""),
        ["bare string"] = () => Utf8("\"just text\""),
        ["JSON null"] = () => Utf8("null"),
        ["array at top"] = () => Utf8("[\"a\"]"),
        ["null inputs"] = () => Utf8("{\"inputs\": null}"),
        ["null item"] = () => Utf8("{\"inputs\": [\"a\", null]}"),
        ["nested arrays"] = () => Utf8("{\"inputs\": [[\"a\"], [\"b\"]]}"),
        ["deep nesting"] = () => Utf8("{\"inputs\": " + new string('[', 5000) + new string(']', 5000) + "}"),
        ["object input"] = () => Utf8("{\"inputs\": {\"text\": \"a\"}}"),
        ["huge number"] = () => Utf8("{\"inputs\": \"a\", \"truncate\": 1e999999}"),
        ["number as bool"] = () => Utf8("{\"inputs\": \"a\", \"normalize\": 1}"),
        ["two documents"] = () => Utf8("{\"inputs\": \"a\"}{\"inputs\": \"b\"}"),
        ["trailing comma"] = () => Utf8("{\"inputs\": [\"a\",],}"),
        ["comments"] = () => Utf8("{/* hi */ \"inputs\": \"a\"}"),
        ["10k inputs"] = () => Utf8("{\"inputs\": [" + string.Join(',', Enumerable.Repeat("\"x\"", 10_000)) + "]}"),
        ["10 MB string"] = () => Utf8("{\"inputs\": \"" + new string('z', 10 * 1024 * 1024) + "\"}"),
        ["invalid UTF-8"] = () => [.. "{\"inputs\": \""u8.ToArray(), 0xC3, 0x28, 0xFF, 0xFE, .. "\"}"u8.ToArray()],
        ["lone surrogate escape"] = () => Utf8("{\"inputs\": \"\\uD800\"}"),
    };

    public static TheoryData<string> Bodies() => [.. Corpus.Keys];

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Hostile_body_gets_a_4xx_problem_on_both_routes(string name)
    {
        var body = Corpus[name]();
        using var native = await api.Client.PostAsync(new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative), Json.Bytes(body));
        using var openAi = await api.Client.PostAsync(new Uri("/v1/embeddings", UriKind.Relative), Json.Bytes(body));

        foreach (var response in new[] { native, openAi })
        {
            var status = (int)response.StatusCode;
            Assert.True(status is >= 400 and < 500, $"{name}: got {status}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

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
