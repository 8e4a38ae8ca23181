namespace Embeddings.Api.Tests;

/// <summary>Each row of the error table, over real HTTP, as RFC 7807 problem JSON that says what was wrong.</summary>
[Collection(SharedApiCollection.Name)]
public sealed class ErrorTableTests(SharedApi api) : OnSharedApi(api)
{
    private static readonly Uri MiniLmRoute = new($"/embed/{ApiFactory.MiniLm}", UriKind.Relative);

    [Theory]
    [InlineData("{\"inputs\": \"x\"", "not valid JSON")]
    [InlineData("{\"inputs\": \"x\", \"truncate\": \"yes\"}", "truncate")]
    [InlineData("{\"inputs\": 42}", "string or an array")]
    [InlineData("{\"inputs\": \"\"}", "empty")]
    [InlineData("{\"inputs\": [\"fine\", \"   \"]}", "Input 1 is empty")]
    [InlineData("{\"inputs\": []}", "No input")]
    [InlineData("{\"inputs\": \"x\", \"colour\": \"red\"}", "colour")]
    [InlineData("{\"inputs\": \"x\", \"prompt\": \"nope\"}", "no prompt 'nope'")]
    public async Task Bad_input_is_400(string body, string detail)
    {
        using var response = await Api.Client.PostAsync(MiniLmRoute, Json.Body(body));
        await Json.AssertProblemAsync(response, 400, detail);
    }

    [Fact]
    public async Task Input_over_the_limit_without_truncation_is_400()
    {
        var text = string.Join(' ', Enumerable.Repeat("word", 400));
        using var response = await Api.Client.PostAsync(MiniLmRoute, Json.Body(new { inputs = text, truncate = false }));
        await Json.AssertProblemAsync(response, 400, "at most 256");
    }

    [Fact]
    public async Task Input_over_the_limit_is_truncated_when_the_request_does_not_say()
    {
        var text = string.Join(' ', Enumerable.Repeat("word", 400));
        using var response = await Api.Client.PostAsync(MiniLmRoute, Json.Body(new { inputs = text }));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var maxTokens = Api.Factory.Registry.Get(ApiFactory.MiniLm).Model.Descriptor.MaxTokens;
        Assert.Equal(256, maxTokens);
        Assert.Equal(maxTokens, (await Json.ReadAsync(response))["usage"]!["tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Unknown_model_is_404()
    {
        using var native = await Api.Client.PostAsync(new Uri("/embed/no-such-model", UriKind.Relative), Json.Body(new { inputs = "x" }));
        using var openAi = await Api.Client.PostAsync(new Uri("/v1/embeddings", UriKind.Relative), Json.Body(new { model = "no-such-model", input = "x" }));
        using var info = await Api.Client.GetAsync(new Uri("/models/no-such-model", UriKind.Relative));

        await Json.AssertProblemAsync(native, 404, "no-such-model");
        await Json.AssertProblemAsync(openAi, 404, "no-such-model");
        await Json.AssertProblemAsync(info, 404, "no-such-model");
    }

    [Fact]
    public async Task More_inputs_than_MaxClientBatch_is_413()
    {
        var inputs = Enumerable.Range(0, 257).Select(i => $"text {i}").ToArray();
        using var response = await Api.Client.PostAsync(MiniLmRoute, Json.Body(new { inputs }));
        await Json.AssertProblemAsync(response, 413, "257 inputs");
    }

    [Fact]
    public async Task A_body_over_MaxRequestBytes_is_413()
    {
        var huge = new string('a', 5 * 1024 * 1024);
        using var response = await Api.Client.PostAsync(MiniLmRoute, Json.Body(new { inputs = huge }));
        await Json.AssertProblemAsync(response, 413, "limit");
    }

    [Fact]
    public async Task OpenAI_route_refuses_unknown_encoding_and_wrong_dimensions()
    {
        using var encoding = await Api.Client.PostAsync(new Uri("/v1/embeddings", UriKind.Relative),
            Json.Body(new { model = ApiFactory.MiniLm, input = "x", encoding_format = "int8" }));
        using var dimensions = await Api.Client.PostAsync(new Uri("/v1/embeddings", UriKind.Relative),
            Json.Body(new { model = ApiFactory.MiniLm, input = "x", dimensions = 128 }));
        using var tokens = await Api.Client.PostAsync(new Uri("/v1/embeddings", UriKind.Relative),
            Json.Body("{\"model\": \"all-minilm-l6-v2\", \"input\": [[1, 2, 3]]}"));

        await Json.AssertProblemAsync(encoding, 400, "encoding_format");
        await Json.AssertProblemAsync(dimensions, 400, "384");
        await Json.AssertProblemAsync(tokens, 400, "token-id arrays");
    }

    [Fact]
    public async Task Tuning_without_the_admin_key_is_401_and_bad_values_are_400()
    {
        var route = new Uri($"/models/{ApiFactory.MiniLm}/batching", UriKind.Relative);
        using var anonymous = await Api.Client.PutAsync(route, Json.Body(new { maxBatchSize = 8 }));

        using var wrongKey = new HttpRequestMessage(HttpMethod.Put, route) { Content = Json.Body(new { maxBatchSize = 8 }) };
        wrongKey.Headers.Authorization = new("Bearer", "wrong");
        using var wrongKeyResponse = await Api.Client.SendAsync(wrongKey);

        using var invalid = new HttpRequestMessage(HttpMethod.Put, route) { Content = Json.Body(new { maxBatchSize = 0, maxWaitMs = -5 }) };
        invalid.Headers.Authorization = new("Bearer", ApiFactory.AdminKey);
        using var invalidResponse = await Api.Client.SendAsync(invalid);

        await Json.AssertProblemAsync(anonymous, 401, "Bearer");
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        await Json.AssertProblemAsync(wrongKeyResponse, 401);
        var problem = await Json.AssertProblemAsync(invalidResponse, 400, "maxBatchSize");
        Assert.Contains("maxWaitMs", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
