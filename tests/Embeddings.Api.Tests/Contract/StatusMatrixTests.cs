using Embeddings.Testing;

namespace Embeddings.Api.Tests.Contract;

/// <summary>
/// Each status each operation of the document declares is answered by a real server, as the document says (status,
/// content type, schema, required headers); and the statuses provoked here are exactly the ones declared. A status the
/// code starts or stops answering, or a shape that moves, fails here until the document follows.
/// </summary>
[Collection(KeyedApiCollection.Name)]
public sealed class StatusMatrixTests(KeyedApi api)
{
    public static TheoryData<string> Cases => [.. StatusCases.OnTheMatrixServer.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_declared_status_is_answered_as_the_document_says(string @case)
    {
        var conformance = new DocumentConformance(await ServedDocument.ReadAsync(api.Client));

        using var response = await StatusCases.OnTheMatrixServer[@case](api);

        Assert.Equal(int.Parse(@case.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), (int)response.StatusCode);
        Assert.Empty(await conformance.CheckAsync(response.RequestMessage!.Method.Method, response.RequestMessage.RequestUri!.AbsolutePath, response));
    }

    [Fact]
    public async Task The_statuses_provoked_are_exactly_the_ones_declared()
    {
        var document = await ServedDocument.ReadAsync(api.Client);
        var declared = document.Operations.SelectMany(o => o.Statuses.Select(status => $"{o.Id} {status}"));
        var provoked = StatusCases.OnTheMatrixServer.Keys.Concat(StatusCases.OnTheirOwnServer).Concat(StatusCases.NotProvoked);

        Assert.Equal(declared.Order(StringComparer.Ordinal), provoked.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_batching_routes_answer_503_without_their_store_and_429_after_wrong_keys()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var factory = new ApiFactory(new()
        {
            ["ConnectionStrings:redis"] = redis.ConnectionString,
            ["Embeddings:Models:arctic-embed-xs:Enabled"] = "false",
        });
        using var client = factory.CreateRealClient();
        var conformance = new DocumentConformance(await ServedDocument.ReadAsync(client));
        var batching = new Uri($"/models/{ApiFactory.MiniLm}/batching", UriKind.Relative);

        await redis.KillAsync();
        using var put503 = await SendAsync(client, HttpMethod.Put, batching, ApiFactory.AdminKey, """{"maxWaitMs": 4}""");
        using var delete503 = await SendAsync(client, HttpMethod.Delete, batching, ApiFactory.AdminKey);
        for (var i = 0; i < Embeddings.Api.Security.FailedKeyLimiter.FailuresPerWindow; i++)
        {
            using var wrong = await SendAsync(client, HttpMethod.Delete, batching, $"wrong-key-{i}");
            Assert.Equal(401, (int)wrong.StatusCode);
        }

        using var put429 = await SendAsync(client, HttpMethod.Put, batching, ApiFactory.AdminKey, """{"maxWaitMs": 4}""");
        using var delete429 = await SendAsync(client, HttpMethod.Delete, batching, ApiFactory.AdminKey);

        foreach (var (response, status) in new[] { (put503, 503), (delete503, 503), (put429, 429), (delete429, 429) })
        {
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Empty(await conformance.CheckAsync(response.RequestMessage!.Method.Method, batching.OriginalString, response));
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, Uri route, string key, string? json = null)
    {
        using var request = new HttpRequestMessage(method, route) { Content = json is null ? null : Json.Body(json) };
        request.Headers.Authorization = new("Bearer", key);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
