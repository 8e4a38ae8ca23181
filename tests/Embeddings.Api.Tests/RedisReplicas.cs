using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Embeddings.Testing;

namespace Embeddings.Api.Tests;

/// <summary>A real redis-server and two API instances sharing it, as two replicas of one deployment.</summary>
public abstract class RedisReplicas : IAsyncLifetime
{
    protected static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    protected RedisServer Redis { get; private set; } = null!;

    protected Replica A { get; private set; } = null!;

    protected Replica B { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        A = StartReplica();
        B = StartReplica();
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Redis.DisposeAsync();
    }

    protected Replica StartReplica() => new(new ApiFactory(new()
    {
        ["ConnectionStrings:redis"] = Redis.ConnectionString,
        ["Embeddings:Models:arctic-embed-xs:Enabled"] = "false",
    }));

    protected async Task RestartBothAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        A = StartReplica();
        B = StartReplica();
    }
}

/// <summary>One API instance with its client.</summary>
public sealed class Replica(ApiFactory factory) : IAsyncDisposable
{
    public ApiFactory Factory { get; } = factory;

    public HttpClient Client { get; } = factory.CreateRealClient();

    public async Task<JsonNode> ModelAsync(string model = ApiFactory.MiniLm) =>
        (await Client.GetFromJsonAsync<JsonNode>(new Uri($"/models/{model}", UriKind.Relative)))!;

    public async Task<JsonNode> PutBatchingAsync(object patch, string model = ApiFactory.MiniLm)
    {
        using var response = await SendBatchingAsync(patch, model);
        Assert.Equal(200, (int)response.StatusCode);
        return await Json.ReadAsync(response);
    }

    /// <summary>A batching change (PUT), or a reset (DELETE) when <paramref name="patch"/> is null, with the admin key.</summary>
    public async Task<HttpResponseMessage> SendBatchingAsync(object? patch, string model = ApiFactory.MiniLm)
    {
        using var request = new HttpRequestMessage(patch is null ? HttpMethod.Delete : HttpMethod.Put, new Uri($"/models/{model}/batching", UriKind.Relative))
        {
            Content = patch is null ? null : Json.Body(patch),
        };
        request.Headers.Authorization = new("Bearer", ApiFactory.AdminKey);
        request.Headers.Add("x-updated-by", "a test");
        return await Client.SendAsync(request);
    }

    public async Task<(HttpResponseMessage Response, JsonNode Body)> EmbedAsync(params string[] inputs)
    {
        var response = await Client.PostAsync(new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative), Json.Body(new { inputs }));
        return (response, await Json.ReadAsync(response));
    }

    public async Task<string> HealthAsync()
    {
        using var response = await Client.GetAsync(new Uri("/health", UriKind.Relative));
        return await response.Content.ReadAsStringAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
