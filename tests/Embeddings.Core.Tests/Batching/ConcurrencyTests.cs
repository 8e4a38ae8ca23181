using Embeddings.Contracts;
using Embeddings.Testing;

namespace Embeddings.Core.Tests.Batching;

public class ConcurrencyTests
{
    [Fact]
    public async Task With_two_runners_two_batches_of_one_model_overlap()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 1, MaxConcurrentBatches = 2 });
        rig.Model.Hold();
        var tasks = new[] { rig.Submit("a"), rig.Submit("b") };

        await rig.Model.WaitForStartedAsync(2).WaitAsync(Rig.Guard); // both inside the model at once
        Assert.Equal(2, rig.Model.RunningBatches);
        Assert.Equal(2, rig.Processor.GetStats(rig.Id).InFlightBatches);

        rig.Model.Release();
        await Task.WhenAll(tasks).WaitAsync(Rig.Guard);
        Assert.Equal(2, rig.Model.MaxConcurrentBatchesSeen);
    }

    [Fact]
    public async Task With_one_runner_batches_never_overlap()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 1, MaxConcurrentBatches = 1 });
        rig.Model.Hold();
        var tasks = Enumerable.Range(0, 3).Select(i => rig.Submit(Rig.Text(1, i))).ToArray();

        await rig.Model.WaitForStartedAsync(1).WaitAsync(Rig.Guard);
        Assert.Equal(1, rig.Model.RunningBatches);
        Assert.Equal(2, rig.Processor.GetStats(rig.Id).QueueDepth); // the others wait for the runner

        rig.Model.Release();
        await Task.WhenAll(tasks).WaitAsync(Rig.Guard);

        Assert.Equal(1, rig.Model.MaxConcurrentBatchesSeen);
        var batches = rig.Model.Batches.OrderBy(b => b.StartTimestamp).ToArray();
        for (var i = 1; i < batches.Length; i++)
        {
            Assert.True(batches[i].StartTimestamp >= batches[i - 1].EndTimestamp);
        }
    }

    [Fact]
    public async Task Twelve_models_run_their_batches_at_the_same_time()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 1, MaxConcurrentBatches = 1 }, models: 12);
        foreach (var model in rig.Models)
        {
            model.Hold();
        }

        var tasks = rig.Models.Select(m => rig.Processor.SubmitAsync(m.Descriptor.Id, new($"hello {m.Descriptor.Id}"))).ToArray();

        // Every model has a batch inside Embed while all gates are held: twelve batches overlap.
        await Task.WhenAll(rig.Models.Select(m => m.WaitForStartedAsync(1))).WaitAsync(Rig.Guard);
        Assert.Equal(12, rig.Models.Sum(m => m.RunningBatches));
        Assert.Equal(12, rig.Processor.Models.Count);

        foreach (var model in rig.Models)
        {
            model.Release();
        }

        var answers = await Task.WhenAll(tasks).WaitAsync(Rig.Guard);
        for (var i = 0; i < answers.Length; i++)
        {
            var model = rig.Models[i];
            Assert.Equal(model.ExpectedVector($"hello {model.Descriptor.Id}", normalize: true), answers[i].Vector);
        }
    }

    [Fact]
    public async Task Twelve_busy_models_share_two_slots_each_gets_its_turn_and_no_more_than_two_run_at_once()
    {
        var probe = new RunningProbe();
        await using var rig = Rig.Create(
            new BatchingOptions { MaxBatchSize = 4, MaxWaitMs = 0, MaxConcurrentBatches = 2 },
            models: 12,
            model: new SimulatedModelOptions { CostPerBatch = TimeSpan.FromMilliseconds(2), Running = probe },
            time: TimeProvider.System,
            slots: 2);

        var tasks = rig.Models.SelectMany(m => Enumerable.Range(0, 20).Select(i =>
            rig.Processor.SubmitAsync(m.Descriptor.Id, new($"model {m.Descriptor.Id} input {i}")))).ToArray();
        await Task.WhenAll(tasks).WaitAsync(Rig.Guard);

        Assert.InRange(probe.Most, 1, 2); // one budget for every model
        Assert.All(rig.Models, m => Assert.Equal(20, m.EmbeddedInputs));
        Assert.Equal(2, rig.Processor.InferenceSlots);
    }
}
