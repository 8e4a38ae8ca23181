namespace Embeddings.Api.Tests;

[Collection(SharedApiCollection.Name)]
public sealed class OpenApiTests(SharedApi api)
{
    [Fact]
    public async Task The_OpenAPI_document_lists_the_routes_with_their_real_status_codes()
    {
        using var response = await api.Client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
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
}
