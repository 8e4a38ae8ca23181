using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Testing;

namespace Embeddings.Api.Tests;

/// <summary>429, 503 for a failing model and 503 while shutting down, driven by a simulated model.</summary>
public sealed class OverloadAndFailureTests() : OwnApi(new ApiFactory(
    settings: new() { ["Embeddings:Models:arctic-embed-xs:Enabled"] = "false" },
    simulatedBatching: new BatchingOptions { MaxQueueLength = 2, MaxConcurrentBatches = 1 }))
{
    private static readonly Uri SimulatedRoute = new($"/embed/{ApiFactory.Simulated}", UriKind.Relative);

    /// <summary>Waits (bounded) for the engine's stats to show what a request on the server side did.</summary>
    private Task WaitForStatsAsync(Func<ModelStatsSnapshot, bool> condition) => Eventually.TrueAsync(
        () => Task.FromResult(condition(Factory.Processor.GetStats(ApiFactory.Simulated))), TimeSpan.FromSeconds(30), "the engine's stats");

    [Fact]
    public async Task A_full_queue_is_429_with_Retry_After()
    {
        // The only runner is busy, so the queue (room for 2) fills.
        var model = Factory.SimulatedModel;
        model.Hold();
        var running = Client.PostAsync(SimulatedRoute, Json.Body(new { inputs = "holds the runner" }));
        await model.WaitForStartedAsync(1).WaitAsync(TimeSpan.FromSeconds(10));
        using var response = await Client.PostAsync(SimulatedRoute, Json.Body(new { inputs = new[] { "one", "two", "three" } }));
        model.Release();
        (await running.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();

        // Nothing has run yet, so the engine's estimate is its start value of one second.
        await Json.AssertProblemAsync(response, 429, "Retry after 1 s");
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        // A request's inputs are admitted all together or not at all: the three are refused, none is queued for nothing.
        var stats = Factory.Processor.GetStats(ApiFactory.Simulated);
        Assert.Equal((4, 3, 0), (stats.Inputs, stats.RejectedQueueFull, stats.QueueDepth));

        using var metrics = await Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains($"embeddings_rejected_total{{model=\"{ApiFactory.Simulated}\",reason=\"queue_full\"}} 3", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_model_is_503_for_its_batch_and_neither_later_batches_nor_other_models_suffer()
    {
        Factory.SimulatedModel.FailNextBatches(1);

        using var failed = await Client.PostAsync(SimulatedRoute, Json.Body(new { inputs = "fails once" }));
        using var other = await Client.PostAsync(new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative), Json.Body(new { inputs = "another model" }));
        using var next = await Client.PostAsync(SimulatedRoute, Json.Body(new { inputs = "works again" }));

        var problem = await Json.AssertProblemAsync(failed, 503, "failed to run a batch");
        Assert.Equal("Model unavailable", problem["title"]!.GetValue<string>());
        Assert.Equal(200, (int)other.StatusCode);
        Assert.Equal(200, (int)next.StatusCode);
    }

    [Fact]
    public async Task AClient_that_disconnects_while_queued_never_costs_inference()
    {
        var model = Factory.SimulatedModel;
        model.Hold();
        try
        {
            // The only runner is held by the first request, so the second waits in the queue.
            var running = Client.PostAsync(SimulatedRoute, Json.Body(new { inputs = "holds the runner" }));
            await model.WaitForStartedAsync(1);

            using var disconnect = new CancellationTokenSource();
            var queued = Client.PostAsync(SimulatedRoute, Json.Body(new { inputs = "gives up" }), disconnect.Token);
            await WaitForStatsAsync(stats => stats.QueueDepth == 1);
            await disconnect.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
            await WaitForStatsAsync(stats => stats.Cancelled == 1);

            model.Release();
            using var first = await running;
            Assert.Equal(200, (int)first.StatusCode);
            Assert.Equal(1, model.EmbeddedInputs);
        }
        finally
        {
            model.Release();
        }
    }

    [Fact]
    public async Task Requests_after_shutdown_began_are_503()
    {
        await Factory.Processor.ShutdownAsync();

        using var response = await Client.PostAsync(SimulatedRoute, Json.Body(new { inputs = "too late" }));

        await Json.AssertProblemAsync(response, 503, "shutting down");
    }
}
