using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Embeddings.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Embeddings.Core.Tests.Batching;

/// <summary>A processor over simulated models on a fake clock (or a given one). Disposing releases every gate
/// and shuts the processor down.</summary>
internal sealed class Rig : IAsyncDisposable
{
    /// <summary>A test fails rather than hangs if an awaited signal never comes.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    /// <summary>Options that never dispatch on time alone unless the fake clock is advanced a minute.</summary>
    public static readonly BatchingOptions Patient = new() { MaxWaitMs = 60_000, MaxBatchSize = 32, MaxConcurrentBatches = 2 };

    private readonly ModelRegistry _registry;

    /// <summary>Inference slots of a rig unless a test says otherwise: more than any test's models need at once, so that
    /// only the tests about the shared budget see it.</summary>
    public const int DefaultSlots = 16;

    private Rig(BatchingOptions options, int modelCount, SimulatedModelOptions? model, TimeProvider? time, ILoggerFactory? logs, int slots)
    {
        Time = time ?? new FakeTimeProvider();
        var template = model ?? new SimulatedModelOptions();
        Models = [.. Enumerable.Range(0, modelCount)
            .Select(i => new SimulatedEmbeddingModel(template with { Id = modelCount == 1 ? template.Id : $"{template.Id}-{i:00}" }))];
        _registry = new ModelRegistry(Models.Select(m => new RegisteredModel(m, options)));
        Processor = new BatchProcessor(_registry, Time, (logs ?? NullLoggerFactory.Instance).CreateLogger<BatchProcessor>(), inferenceSlots: slots);
    }

    public TimeProvider Time { get; }

    public FakeTimeProvider Clock => (FakeTimeProvider)Time;

    public IReadOnlyList<SimulatedEmbeddingModel> Models { get; }

    public SimulatedEmbeddingModel Model => Models[0];

    public string Id => Model.Descriptor.Id;

    public BatchProcessor Processor { get; }

    public static Rig Create(
        BatchingOptions? options = null, int models = 1, SimulatedModelOptions? model = null, TimeProvider? time = null, ILoggerFactory? logs = null,
        int slots = DefaultSlots) =>
        new(options ?? Patient, models, model, time, logs, slots);

    /// <summary>A rig on a fake clock that each batch moves by exactly <paramref name="costPerBatch"/>, whatever its size,
    /// so the engine measures exactly that cost.</summary>
    public static Rig WithExactCost(BatchingOptions options, TimeSpan costPerBatch, int slots)
    {
        var clock = new FakeTimeProvider();
        return Create(options, model: new SimulatedModelOptions { CostPerBatch = costPerBatch, Spend = cost => clock.Advance(cost) },
            time: clock, slots: slots);
    }

    /// <summary>A text of <paramref name="words"/> distinct words; it tokenizes to words + 2 tokens.</summary>
    public static string Text(int words, int seed) =>
        string.Join(' ', Enumerable.Range(0, words).Select(w => $"s{seed}w{w}"));

    public Task<ModelEmbedding> Submit(string text, CancellationToken ct = default) =>
        Processor.SubmitAsync(Id, new ModelInput(text), ct);

    public void AssertAnswer(string text, ModelEmbedding answer, bool normalize = true)
    {
        Assert.Equal(Model.ExpectedVector(text, normalize), answer.Vector);
        Assert.Equal(Model.Tokenize(text, truncate: true).Count, answer.TokenCount);
    }

    /// <summary>Completes when the model's dispatcher is about to wait with <paramref name="pending"/> live entries, on a
    /// timer for the oldest one (or, with <paramref name="timed"/> false, for a command only). Subscribe before submitting.</summary>
    public Task DispatcherWaiting(int pending, Action<TimeSpan?>? seen = null, bool timed = true)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Processor.Queue(Id).Waiting += (count, left) =>
        {
            if (count == pending && (left is not null) == timed && !signal.Task.IsCompleted)
            {
                seen?.Invoke(left);
                signal.TrySetResult();
            }
        };
        return signal.Task;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var model in Models)
        {
            model.Release();
        }

        await Processor.DisposeAsync().AsTask().WaitAsync(Guard);
        _registry.Dispose();
    }
}
