using System.Globalization;
using Embeddings.Core.Models;

namespace Embeddings.Api.Tests;

[Collection(SharedApiCollection.Name)]
public sealed class EmbedRouteTests(SharedApi api) : OnSharedApi(api)
{
    [Fact]
    public async Task Hundred_concurrent_requests_each_get_the_vector_of_their_own_input()
    {
        var texts = Enumerable.Range(0, 100)
            .Select(i => $"Request {i}: " + string.Join(' ', Enumerable.Repeat("the quick brown fox jumps", 1 + i % 9)))
            .ToArray();

        var responses = await Task.WhenAll(texts.Select(text =>
            Api.Client.PostAsync(new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative), Json.Body(new { inputs = text }))));

        var model = Api.Factory.Registry.Get(ApiFactory.MiniLm).Model;
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(200, (int)responses[i].StatusCode);
            var vector = Assert.Single(Json.Embeddings(await Json.ReadAsync(responses[i])));
            var expected = VectorMath.Normalized(model.Embed([model.Tokenize(texts[i], truncate: true)])[0]);
            Assert.True(VectorMath.Cosine(expected, vector) >= 0.9999f, $"request {i} got another input's vector");
            responses[i].Dispose();
        }
    }

    [Fact]
    public async Task An_array_is_answered_in_input_order_with_usage_and_timing_headers()
    {
        string[] texts = ["first sentence about cats", "second, much longer sentence about the weather in the mountains", "third"];

        using var response = await Api.Client.PostAsync(
            new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative), Json.Body(new { inputs = texts, normalize = true }));

        Assert.Equal(200, (int)response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal(ApiFactory.MiniLm, body["model"]!.GetValue<string>());
        Assert.Equal(384, body["dimensions"]!.GetValue<int>());
        var vectors = Json.Embeddings(body);
        Assert.Equal(3, vectors.Length);
        Assert.All(vectors, v => Assert.Equal(1f, VectorMath.Norm(v), 1e-5f));

        var model = Api.Factory.Registry.Get(ApiFactory.MiniLm).Model;
        var tokens = texts.Sum(t => model.Tokenize(t, truncate: true).Count);
        Assert.Equal(tokens, body["usage"]!["tokens"]!.GetValue<int>());
        for (var i = 0; i < texts.Length; i++)
        {
            var expected = VectorMath.Normalized(model.Embed([model.Tokenize(texts[i], truncate: true)])[0]);
            Assert.True(VectorMath.Cosine(expected, vectors[i]) >= 0.9999f);
        }

        foreach (var header in new[] { "x-queue-time", "x-inference-time", "x-batch-size" })
        {
            Assert.True(double.TryParse(response.Headers.GetValues(header).Single(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value));
            Assert.True(value >= 0);
        }
    }

    [Fact]
    public async Task Normalize_false_returns_the_raw_pooled_vector_and_a_repeat_is_served_from_the_cache()
    {
        var text = $"raw vector please {Guid.NewGuid()}";
        using var first = await Api.Client.PostAsync(
            new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative), Json.Body(new { inputs = text, normalize = false }));
        using var second = await Api.Client.PostAsync(
            new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative), Json.Body(new { inputs = text, normalize = false }));

        var raw = Assert.Single(Json.Embeddings(await Json.ReadAsync(first)));
        Assert.NotEqual(1f, VectorMath.Norm(raw), 3);
        Assert.Equal(raw, Assert.Single(Json.Embeddings(await Json.ReadAsync(second))));
        Assert.Equal("0", second.Headers.GetValues("x-batch-size").Single());
    }

    [Fact]
    public async Task The_query_prompt_changes_the_arctic_vector()
    {
        const string text = "how do batteries store energy";
        using var plain = await Api.Client.PostAsync(new Uri("/embed/arctic-embed-xs", UriKind.Relative), Json.Body(new { inputs = text }));
        using var query = await Api.Client.PostAsync(new Uri("/embed/arctic-embed-xs", UriKind.Relative), Json.Body(new { inputs = text, prompt = "query" }));

        var a = Assert.Single(Json.Embeddings(await Json.ReadAsync(plain)));
        var b = Assert.Single(Json.Embeddings(await Json.ReadAsync(query)));
        Assert.True(VectorMath.Cosine(a, b) < 0.9999f);
    }
}
