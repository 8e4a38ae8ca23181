using System.ClientModel;
using Embeddings.Api.Security;
using OpenAI;
using OpenAI.Embeddings;

namespace Embeddings.Api.Tests;

/// <summary>With API keys configured, the embedding routes want one (OpenAI clients send theirs as the bearer key);
/// health, liveness and metrics stay open; guessing keys is throttled.</summary>
public sealed class ApiKeyTests() : OwnApi(new ApiFactory(new()
{
    ["Embeddings:ApiKeys:0"] = FirstKey,
    ["Embeddings:ApiKeys:1"] = SecondKey,
    ["Embeddings:Models:arctic-embed-xs:Enabled"] = "false",
}))
{
    private const string FirstKey = "first-api-key";
    private const string SecondKey = "second-api-key";
    private static readonly Uri Embed = new($"/embed/{ApiFactory.MiniLm}", UriKind.Relative);

    [Fact]
    public async Task The_embedding_routes_answer_only_with_a_configured_key()
    {
        using var none = await Client.PostAsync(Embed, Json.Body(new { inputs = "no key" }));
        using var wrong = await SendAsync(Embed, "not-a-key", new { inputs = "wrong key" });
        using var openAiWithout = await Client.PostAsync(new Uri("/v1/embeddings", UriKind.Relative), Json.Body(new { model = ApiFactory.MiniLm, input = "no key" }));
        using var first = await SendAsync(Embed, FirstKey, new { inputs = "first key" });
        using var second = await SendAsync(new Uri("/v1/embeddings", UriKind.Relative), SecondKey, new { model = ApiFactory.MiniLm, input = "second key" });

        await Json.AssertProblemAsync(none, 401, "Authorization: Bearer");
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        var problem = await Json.AssertProblemAsync(wrong, 401);
        Assert.DoesNotContain("not-a-key", problem.ToJsonString(), StringComparison.Ordinal); // a key is never echoed
        await Json.AssertProblemAsync(openAiWithout, 401);
        Assert.Equal(200, (int)first.StatusCode);
        Assert.Equal(200, (int)second.StatusCode);

        foreach (var open in new[] { "/health", "/alive", "/metrics" })
        {
            using var response = await Client.GetAsync(new Uri(open, UriKind.Relative));
            Assert.Equal(200, (int)response.StatusCode);
        }
    }

    [Fact]
    public async Task The_OpenAI_sdk_sends_its_api_key_as_the_bearer_key()
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(Client.BaseAddress!, "/v1") };
        var client = new EmbeddingClient(ApiFactory.MiniLm, new ApiKeyCredential(FirstKey), options);
        var refused = new EmbeddingClient(ApiFactory.MiniLm, new ApiKeyCredential("sk-wrong"), options);

        var embedding = await client.GenerateEmbeddingAsync("through the OpenAI SDK");
        var error = await Assert.ThrowsAsync<ClientResultException>(() => refused.GenerateEmbeddingAsync("refused"));

        Assert.Equal(384, embedding.Value.ToFloats().Length);
        Assert.Equal(401, error.Status);
    }

    [Fact]
    public async Task After_too_many_wrong_keys_a_client_gets_429_with_Retry_After_even_with_a_right_key()
    {
        for (var i = 0; i < FailedKeyLimiter.FailuresPerWindow; i++)
        {
            using var wrong = await SendAsync(Embed, $"guess-{i}", new { inputs = "guess" });
            Assert.Equal(401, (int)wrong.StatusCode);
        }

        using var throttled = await SendAsync(Embed, "one-more-guess", new { inputs = "guess" });
        using var right = await SendAsync(Embed, FirstKey, new { inputs = "right key, too late" });

        await Json.AssertProblemAsync(throttled, 429, "wrong keys");
        var retryAfter = throttled.Headers.RetryAfter?.Delta;
        Assert.InRange(retryAfter!.Value, TimeSpan.FromSeconds(1), FailedKeyLimiter.Window);
        await Json.AssertProblemAsync(right, 429);
    }

    private async Task<HttpResponseMessage> SendAsync(Uri route, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = Json.Body(body) };
        request.Headers.Authorization = new("Bearer", key);
        return await Client.SendAsync(request);
    }
}
