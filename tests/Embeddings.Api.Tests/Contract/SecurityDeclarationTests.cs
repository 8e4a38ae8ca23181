namespace Embeddings.Api.Tests.Contract;

/// <summary>Each operation declares the security the server enforces on it, <c>security: []</c> where it enforces none,
/// and declares 401 exactly where it needs a key; API keys appear in the document only where they are configured
/// (<see cref="StatusMatrixTests"/> shows each of these 401s and open answers on a real server).</summary>
[Collection(SharedApiCollection.Name)]
public sealed class SecurityDeclarationTests(SharedApi api)
{
    [Fact]
    public async Task Without_API_keys_only_the_batching_changes_need_a_key()
    {
        var document = await ServedDocument.ReadAsync(api.Client);

        AssertSecurity(document, embedding: "[]");
        Assert.Null(document.Root["components"]!["securitySchemes"]!["apiKey"]);
    }

    /// <summary>The batching changes need the admin key, the embedding routes what <paramref name="embedding"/> says,
    /// the rest nothing; 401 is declared where a key is needed, and nowhere else.</summary>
    internal static void AssertSecurity(ServedDocument document, string embedding)
    {
        Assert.Equal(
            ["ClusterStats: []", $"CreateEmbeddings: {embedding}", $"Embed: {embedding}", "GetModel: []", "ListModels: []",
             "ResetBatching: [adminKey]", "UpdateBatching: [adminKey]"],
            document.SecurityByOperation);
        Assert.All(document.Operations, o => Assert.Equal(o.Schemes.Count > 0, o.Statuses.Contains(401)));
    }
}

/// <summary>The same, with API keys configured: the embedding routes need one.</summary>
[Collection(KeyedApiCollection.Name)]
public sealed class KeyedSecurityDeclarationTests(KeyedApi api)
{
    [Fact]
    public async Task With_API_keys_the_embedding_routes_need_one()
    {
        var document = await ServedDocument.ReadAsync(api.Client);

        SecurityDeclarationTests.AssertSecurity(document, embedding: "[apiKey]");
        var apiKey = document.Root["components"]!["securitySchemes"]!["apiKey"]!;
        Assert.Equal(("http", "bearer"), (apiKey["type"]!.GetValue<string>(), apiKey["scheme"]!.GetValue<string>()));
    }
}
