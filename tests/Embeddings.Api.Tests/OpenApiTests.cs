namespace Embeddings.Api.Tests;

[Collection(SharedApiCollection.Name)]
public sealed class OpenApiTests(SharedApi api) : OnSharedApi(api)
{
    [Fact]
    public async Task The_OpenAPI_document_lists_the_routes_with_their_real_status_codes()
    {
        using var response = await Api.Client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var document = await Json.ReadAsync(response);
        var paths = document["paths"]!;

        var embed = paths["/embed/{model}"]!["post"]!["responses"]!.AsObject();
        Assert.All(new[] { "200", "400", "404", "413", "429", "503" }, code => Assert.True(embed.ContainsKey(code), $"/embed lacks {code}"));
        var openAi = paths["/v1/embeddings"]!["post"]!["responses"]!.AsObject();
        Assert.All(new[] { "200", "400", "404", "413", "429", "503" }, code => Assert.True(openAi.ContainsKey(code), $"/v1/embeddings lacks {code}"));
        var put = paths["/models/{model}/batching"]!["put"]!["responses"]!.AsObject();
        Assert.All(new[] { "200", "400", "401", "404" }, code => Assert.True(put.ContainsKey(code), $"PUT batching lacks {code}"));
        Assert.NotNull(paths["/models"]?["get"]);
    }

    [Fact]
    public async Task The_PUT_body_is_described_from_the_table_of_options_with_types_and_ranges()
    {
        using var response = await Api.Client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var document = await Json.ReadAsync(response);
        var body = document["paths"]!["/models/{model}/batching"]!["put"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        if (body["$ref"] is { } reference)
        {
            body = document["components"]!["schemas"]![reference.GetValue<string>().Split('/')[^1]]!;
        }

        Assert.Equal("object", body["type"]!.GetValue<string>());
        Assert.False(body["additionalProperties"]!.GetValue<bool>());
        var properties = body["properties"]!.AsObject();
        Assert.Equal(
            ["maxBatchSize", "maxWaitMs", "maxBatchTokens", "minPaddingEfficiency", "maxQueueLength", "maxConcurrentBatches", "dispatchWhenIdle", "sortByLength", "targetP95Ms"],
            properties.Select(p => p.Key));
        Assert.Equal("integer", properties["maxBatchSize"]!["type"]!.GetValue<string>());
        Assert.Equal(1, properties["maxBatchSize"]!["minimum"]!.GetValue<int>());
        Assert.Equal(4096, properties["maxBatchSize"]!["maximum"]!.GetValue<int>());
        Assert.Equal(0, properties["maxWaitMs"]!["minimum"]!.GetValue<int>());
        Assert.Equal("number", properties["minPaddingEfficiency"]!["type"]!.GetValue<string>());
        Assert.Equal(1, properties["minPaddingEfficiency"]!["maximum"]!.GetValue<double>());
        Assert.Equal("boolean", properties["sortByLength"]!["type"]!.GetValue<string>());
        Assert.StartsWith("Max wait (ms): ", properties["maxWaitMs"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
