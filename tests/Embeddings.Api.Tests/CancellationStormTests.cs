using Embeddings.Contracts;
using Embeddings.Testing;

namespace Embeddings.Api.Tests;

/// <summary>A thousand clients give up while their inputs wait: the model never sees them, and the queue and the
/// stats come back to rest.</summary>
public sealed class CancellationStormTests() : OwnApi(new ApiFactory(
    settings: new() { ["Embeddings:Models:arctic-embed-xs:Enabled"] = "false" },
    simulatedBatching: new BatchingOptions { MaxQueueLength = 2000, MaxBatchSize = 8, MaxWaitMs = 0, MaxConcurrentBatches = 1 }))
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_thousand_clients_that_leave_while_queued_cost_no_inference_and_leave_nothing_behind()
    {
        const int storm = 1000;
        var model = Factory.SimulatedModel;
        var route = new Uri($"/embed/{ApiFactory.Simulated}", UriKind.Relative);
        model.Hold();
        var running = Client.PostAsync(route, Json.Body(new { inputs = "holds the only runner" }));
        await model.WaitForStartedAsync(1).WaitAsync(Limit);

        using var leave = new CancellationTokenSource();
        using var stormClient = new HttpClient(new SocketsHttpHandler()) { BaseAddress = Client.BaseAddress, Timeout = Limit };
        var requests = Enumerable.Range(0, storm)
            .Select(i => stormClient.PostAsync(route, Json.Body(new { inputs = $"gives up {i}" }), leave.Token))
            .ToArray();
        await Eventually.TrueAsync(() => Task.FromResult(Factory.Processor.GetStats(ApiFactory.Simulated).QueueDepth == storm), Limit,
            $"{storm} inputs queued");

        await leave.CancelAsync();
        foreach (var request in requests)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request).WaitAsync(Limit);
        }

        await Eventually.TrueAsync(() => Task.FromResult(Factory.Processor.GetStats(ApiFactory.Simulated) is { Cancelled: storm, QueueDepth: 0 }),
            Limit, "every input to leave the queue");
        model.Release();
        using (var first = await running.WaitAsync(Limit))
        {
            Assert.Equal(200, (int)first.StatusCode);
        }

        // Its runner leaves the batch just after answering it.
        await Eventually.TrueAsync(() => Task.FromResult(Factory.Processor.GetStats(ApiFactory.Simulated).InFlightBatches == 0), Limit,
            "the runner to leave the answered batch");
        var stats = Factory.Processor.GetStats(ApiFactory.Simulated);
        Assert.Equal(1, model.EmbeddedInputs); // only the one that stayed
        Assert.Equal((storm + 1, 1, storm, 0), (stats.Inputs, stats.Completed, stats.Cancelled, stats.QueueDepth));
        Assert.Equal(0, stats.CancelledInFlight);
    }
}
