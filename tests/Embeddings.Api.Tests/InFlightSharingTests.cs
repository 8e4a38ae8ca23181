using Embeddings.Api.Embedding;
using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Embeddings.Api.Tests;

/// <summary>Identical inputs in flight in one replica share one computation, even with the cache off; one caller
/// leaving does not stop it for the others, and its failure is everyone's (nobody queues it again).</summary>
public sealed class InFlightSharingTests() : OwnApi(new ApiFactory(
    settings: new()
    {
        ["Embeddings:Cache:Enabled"] = "false",
        ["Embeddings:Models:arctic-embed-xs:Enabled"] = "false",
    },
    simulatedBatching: new BatchingOptions { MaxWaitMs = 0, MaxConcurrentBatches = 1 }))
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    private EmbeddingService Embeddings => Factory.Services.GetRequiredService<EmbeddingService>();

    private ModelDescriptor Simulated => Factory.SimulatedModel.Descriptor;

    private Task<EmbedResult> EmbedAsync(string[] texts, CancellationToken ct = default) => Embeddings.EmbedAsync(Simulated, texts, new(), ct);

    [Fact]
    public async Task Two_requests_for_the_same_input_cost_one_inference()
    {
        var model = Factory.SimulatedModel;
        var blocker = await HoldTheOnlyRunnerAsync();
        var first = EmbedAsync(["same text"]);
        var second = EmbedAsync(["same text", "other text"]);
        model.Release();

        var a = (await first.WaitAsync(Guard)).Outcome!;
        var b = (await second.WaitAsync(Guard)).Outcome!;
        await blocker.WaitAsync(Guard);

        Assert.Equal(a.Vectors[0], b.Vectors[0]);
        Assert.Equal(model.ExpectedVector("other text", normalize: true), b.Vectors[1]);
        Assert.Equal(3, model.EmbeddedInputs); // the blocker, "same text" once, "other text"
        Assert.Equal(1, a.CacheHits + b.CacheHits); // one of them joined the other's computation
    }

    [Fact]
    public async Task When_the_first_caller_leaves_the_shared_computation_goes_on_for_the_other()
    {
        var model = Factory.SimulatedModel;
        var blocker = await HoldTheOnlyRunnerAsync();
        using var leaves = new CancellationTokenSource();
        var owner = EmbedAsync(["shared text"], leaves.Token);
        var waiter = EmbedAsync(["shared text"]);
        await leaves.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => owner).WaitAsync(Guard);
        model.Release();

        var result = (await waiter.WaitAsync(Guard)).Outcome!;
        await blocker.WaitAsync(Guard);
        Assert.Equal(model.ExpectedVector("shared text", normalize: true), result.Vectors[0]);
        Assert.Equal(2, model.EmbeddedInputs);
    }

    [Fact]
    public async Task When_the_shared_computation_fails_every_waiter_gets_that_error_and_nobody_retries_it()
    {
        var model = Factory.SimulatedModel;
        var blocker = await HoldTheOnlyRunnerAsync();
        var callers = Enumerable.Range(0, 6).Select(_ => EmbedAsync(["fails for all"])).ToArray();
        model.FailNextBatches(2); // the blocker's batch, then the shared one
        model.Release();

        Assert.IsType<ModelFailedException>((await blocker.WaitAsync(Guard)).Error);
        var errors = new List<ModelFailedException>();
        foreach (var caller in callers)
        {
            errors.Add(Assert.IsType<ModelFailedException>((await caller.WaitAsync(Guard)).Error));
        }

        Assert.All(errors, e => Assert.Same(errors[0], e));
        Assert.Equal(2, model.StartedBatches); // nobody queued the input again
    }

    /// <summary>Starts a request that occupies the model's only runner until <c>Release</c>; returns its answer to come.</summary>
    private async Task<Task<EmbedResult>> HoldTheOnlyRunnerAsync()
    {
        Factory.SimulatedModel.Hold();
        var blocker = EmbedAsync([$"occupies the runner {Guid.NewGuid()}"]);
        await Factory.SimulatedModel.WaitForStartedAsync(1).WaitAsync(Guard);
        return blocker;
    }
}
