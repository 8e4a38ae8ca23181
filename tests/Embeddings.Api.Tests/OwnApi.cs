namespace Embeddings.Api.Tests;

/// <summary>A test class with an API of its own (fresh per test), for tests that change options, fail the model or
/// shut the engine down.</summary>
public abstract class OwnApi(ApiFactory factory) : IAsyncLifetime
{
    protected ApiFactory Factory { get; } = factory;

    protected HttpClient Client { get; private set; } = null!;

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
