namespace Embeddings.Api.Tests;

/// <summary>An API of one's own on a real Kestrel, with its client: the base of a test class whose tests each need a
/// fresh one (they change options, fail the model or shut the engine down), and of the API a collection shares.</summary>
public abstract class OwnApi(ApiFactory factory) : IAsyncLifetime
{
    public ApiFactory Factory { get; } = factory;

    public HttpClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Client = Factory.CreateRealClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
