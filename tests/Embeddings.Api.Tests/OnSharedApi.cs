namespace Embeddings.Api.Tests;

/// <summary>A test class on the shared API. After each test it fails if the API answered a 500 meanwhile (a bug, whatever
/// the test looked at); the collection runs its tests one at a time, so a 500 found here is this test's.</summary>
public abstract class OnSharedApi(SharedApi api) : IAsyncLifetime
{
    protected SharedApi Api { get; } = api;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Api.Factory.AssertNoUnexpectedErrors();
        return Task.CompletedTask;
    }
}
