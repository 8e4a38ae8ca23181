using Embeddings.Admin.Api;
using Embeddings.Admin.Tests.Support;
using Embeddings.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Embeddings.Admin.Tests;

/// <summary>The typed client as the running admin has it (service defaults included): its own resilience replaces the
/// standard one, so a failing read is retried once and a failing change not at all, and the page hears of it fast.</summary>
public sealed class ApiResilienceTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly AdminFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_failing_read_is_tried_twice_and_a_failing_change_once()
    {
        // Routes the background poller never asks for, so only this test's calls are counted.
        _factory.Api.Unreachable(HttpMethod.Get, "/models/flaky");
        _factory.Api.Unreachable(HttpMethod.Put, "/models/flaky/batching");
        using var scope = _factory.Services.CreateScope();
        var client = scope.ServiceProvider.GetRequiredService<EmbeddingsApiClient>();

        await Assert.ThrowsAsync<ApiException>(() => client.GetModelAsync("flaky", CancellationToken.None).WaitAsync(Limit));
        await Assert.ThrowsAsync<ApiException>(() =>
            client.UpdateBatchingAsync("flaky", Data.Patch(nameof(BatchingOptions.MaxBatchSize), 8), "me", CancellationToken.None).WaitAsync(Limit));

        Assert.Equal(2, _factory.Api.Requests.Count(r => r.Path == "/models/flaky"));
        Assert.Single(_factory.Api.Requests, r => r.Path == "/models/flaky/batching");
    }
}
