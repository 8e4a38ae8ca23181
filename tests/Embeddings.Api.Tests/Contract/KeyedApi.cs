using System.Net.Http.Headers;
using Embeddings.Contracts;

namespace Embeddings.Api.Tests.Contract;

/// <summary>The contract tests that need API keys configured share one <see cref="KeyedApi"/>.</summary>
[CollectionDefinition(Name)]
public sealed class KeyedApiCollection : ICollectionFixture<KeyedApi>
{
    public const string Name = "keyed api";
}

/// <summary>
/// A real server set up so each status the document declares can be provoked on it: API keys configured (the embedding
/// routes answer 401), a small request limit (413 on a body of 1 KiB or 5 inputs), and a simulated model whose one
/// runner can be held (429 once its queue of 2 is full) or made to fail (503).
/// </summary>
public sealed class KeyedApi() : OwnApi(new ApiFactory(
    settings: new()
    {
        ["Embeddings:ApiKeys:0"] = ApiKey,
        ["Embeddings:MaxClientBatch"] = "4",
        ["Embeddings:MaxRequestBytes"] = "1024",
        ["Embeddings:Models:arctic-embed-xs:Enabled"] = "false",
    },
    simulatedBatching: new BatchingOptions { MaxQueueLength = 2, MaxConcurrentBatches = 1 }))
{
    public const string ApiKey = "contract-api-key";

    public static readonly string MiniLm = ApiFactory.MiniLm;
    public static readonly string Simulated = ApiFactory.Simulated;

    /// <summary>Sends <paramref name="method"/> <paramref name="path"/> with <paramref name="json"/> (as
    /// <paramref name="contentType"/>) and, when given, <paramref name="key"/> as the bearer key.</summary>
    public async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, string? json = null, string? key = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, contentType);
        }

        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        var response = await Client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
