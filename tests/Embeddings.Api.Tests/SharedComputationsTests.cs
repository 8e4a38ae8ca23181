using Embeddings.Api.Embedding;
using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Embeddings.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Embeddings.Api.Tests;

/// <summary>Identical inputs in flight share one computation; a failed or cancelled owner never fails the waiter.</summary>
public sealed class SharedComputationsTests : IAsyncLifetime
{
    private readonly SimulatedEmbeddingModel _model = new();
    private readonly ModelRegistry _registry;
    private readonly BatchProcessor _processor;
    private readonly SharedComputations _shared;

    public SharedComputationsTests()
    {
        _registry = new ModelRegistry([new RegisteredModel(_model, new BatchingOptions { MaxWaitMs = 0, MaxConcurrentBatches = 1 })]);
        _processor = new BatchProcessor(_registry, TimeProvider.System, NullLogger<BatchProcessor>.Instance);
        _shared = new SharedComputations(_processor);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _model.Release();
        await _processor.DisposeAsync();
        _registry.Dispose();
    }

    [Fact]
    public async Task Two_requests_for_the_same_input_cost_one_inference()
    {
        _model.Hold();
        var first = _shared.ComputeAsync(_model.Descriptor.Id, [("key", new ModelInput("same text"))], CancellationToken.None);
        var second = _shared.ComputeAsync(_model.Descriptor.Id, [("key", new ModelInput("same text")), ("other", new ModelInput("other text"))], CancellationToken.None);
        _model.Release();

        var a = await first;
        var b = await second;

        Assert.Same(a[0], b[0]);
        Assert.Equal(_model.ExpectedVector("other text", normalize: true), b[1].Vector);
        Assert.Equal(2, _model.EmbeddedInputs);
    }

    [Fact]
    public async Task A_waiter_computes_the_input_itself_when_the_owner_is_cancelled()
    {
        _model.Hold();
        var blocker = _processor.SubmitAsync(_model.Descriptor.Id, new ModelInput("occupies the only runner"));
        await _model.WaitForStartedAsync(1);

        using var ownerGivesUp = new CancellationTokenSource();
        var owner = _shared.ComputeAsync(_model.Descriptor.Id, [("key", new ModelInput("shared text"))], ownerGivesUp.Token);
        var waiter = _shared.ComputeAsync(_model.Descriptor.Id, [("key", new ModelInput("shared text"))], CancellationToken.None);
        await ownerGivesUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => owner);
        _model.Release();

        var result = Assert.Single(await waiter);
        Assert.Equal(_model.ExpectedVector("shared text", normalize: true), result.Vector);
        await blocker;
    }

    [Fact]
    public async Task When_the_shared_computation_fails_every_waiter_gets_that_error_and_nobody_retries_it()
    {
        _model.Hold();
        var blocker = _processor.SubmitAsync(_model.Descriptor.Id, new ModelInput("occupies the only runner"));
        await _model.WaitForStartedAsync(1).WaitAsync(Guard);

        var owner = _shared.ComputeAsync(_model.Descriptor.Id, [("key", new ModelInput("shared text"))], CancellationToken.None);
        var waiters = Enumerable.Range(0, 5)
            .Select(_ => _shared.ComputeAsync(_model.Descriptor.Id, [("key", new ModelInput("shared text"))], CancellationToken.None))
            .ToArray();
        _model.FailNextBatches(2); // the blocker's batch, then the shared one
        _model.Release();

        await Assert.ThrowsAsync<ModelFailedException>(() => blocker).WaitAsync(Guard);
        var error = await Assert.ThrowsAsync<ModelFailedException>(() => owner).WaitAsync(Guard);
        foreach (var waiter in waiters)
        {
            Assert.Same(error, await Assert.ThrowsAsync<ModelFailedException>(() => waiter).WaitAsync(Guard));
        }

        Assert.Equal(2, _model.StartedBatches); // no waiter queued the input again
        Assert.Equal(1, _processor.GetStats(_model.Descriptor.Id).FailedBatches - 1);
    }

    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
}
