namespace Embeddings.Api.Tests.Contract;

/// <summary>The served document passes Redocly CLI's recommended rules: no error, and no warning but the ones justified
/// one by one in tests/openapi/.redocly.lint-ignore.yaml, whichever way the server is configured.</summary>
[Collection(SharedApiCollection.Name)]
public sealed class RedoclyLintTests(SharedApi api)
{
    [Fact]
    public async Task The_document_with_open_embedding_routes_lints_clean()
    {
        var totals = await RedoclyLint.LintAsync(await ServedDocument.ReadAsync(api.Client));

        Assert.True((totals.Errors, totals.Warnings) == (0, 0), $"Redocly found {totals.Errors} errors and {totals.Warnings} warnings:\n{totals.Problems}");
        Assert.Equal(RedoclyLint.JustifiedWarnings, totals.Ignored); // no justification outlives its warning
    }
}

/// <summary>The same for the document a server with API keys serves (it adds the apiKey scheme and the 401s).</summary>
[Collection(KeyedApiCollection.Name)]
public sealed class KeyedRedoclyLintTests(KeyedApi api)
{
    [Fact]
    public async Task The_document_with_API_keys_configured_lints_clean()
    {
        var document = await ServedDocument.ReadAsync(api.Client);

        var totals = await RedoclyLint.LintAsync(document);

        Assert.True((totals.Errors, totals.Warnings) == (0, 0), $"Redocly found {totals.Errors} errors and {totals.Warnings} warnings:\n{totals.Problems}");
        Assert.Equal(RedoclyLint.JustifiedWarnings, totals.Ignored);
        Assert.NotNull(document.Root["components"]!["securitySchemes"]!["apiKey"]);
    }
}
