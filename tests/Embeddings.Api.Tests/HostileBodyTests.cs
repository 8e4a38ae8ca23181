using System.Text;

namespace Embeddings.Api.Tests;

/// <summary>A corpus of hostile bodies: every one gets a 4xx problem, never a 500, and the server stays healthy.</summary>
[Collection(SharedApiCollection.Name)]
public sealed class HostileBodyTests(SharedApi api)
{
    public static TheoryData<string, byte[]> Bodies()
    {
        var data = new TheoryData<string, byte[]>();
        void Add(string name, string body) => data.Add(name, Encoding.UTF8.GetBytes(body));

        Add("empty body", "");
        Add("truncated JSON", "{\"inputs\": [\"a\", \"b\"");
        Add("bare string", "\"just text\"");
        Add("JSON null", "null");
        Add("array at top", "[\"a\"]");
        Add("null inputs", "{\"inputs\": null}");
        Add("null item", "{\"inputs\": [\"a\", null]}");
        Add("nested arrays", "{\"inputs\": [[\"a\"], [\"b\"]]}");
        Add("deep nesting", "{\"inputs\": " + new string('[', 5000) + new string(']', 5000) + "}");
        Add("object input", "{\"inputs\": {\"text\": \"a\"}}");
        Add("huge number", "{\"inputs\": \"a\", \"truncate\": 1e999999}");
        Add("number as bool", "{\"inputs\": \"a\", \"normalize\": 1}");
        Add("duplicate-looking junk", "{\"inputs\": \"a\"}{\"inputs\": \"b\"}");
        Add("trailing comma", "{\"inputs\": [\"a\",],}");
        Add("comments", "{/* hi */ \"inputs\": \"a\"}");
        Add("10k inputs", "{\"inputs\": [" + string.Join(',', Enumerable.Repeat("\"x\"", 10_000)) + "]}");
        Add("10 MB string", "{\"inputs\": \"" + new string('z', 10 * 1024 * 1024) + "\"}");
        data.Add("invalid UTF-8", [.. "{\"inputs\": \""u8.ToArray(), 0xC3, 0x28, 0xFF, 0xFE, .. "\"}"u8.ToArray()]);
        data.Add("lone surrogate escape", Encoding.UTF8.GetBytes("{\"inputs\": \"\\uD800\"}"));
        return data;
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Hostile_body_gets_a_4xx_problem_on_both_routes(string name, byte[] body)
    {
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

    [Fact]
    public async Task Wrong_content_type_is_a_415_problem()
    {
        using var response = await api.Client.PostAsync(new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative),
            new StringContent("inputs=hello", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await Json.AssertProblemAsync(response, 415);
    }
}
