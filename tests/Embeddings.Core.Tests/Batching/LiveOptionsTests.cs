using Embeddings.Core.Batching;
using Embeddings.Core.Models;

namespace Embeddings.Core.Tests.Batching;

public class LiveOptionsTests
{
    [Fact]
    public async Task A_new_batch_size_applies_from_the_next_batch_under_load_and_nothing_is_lost()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 4, MaxConcurrentBatches = 1 });
        rig.Model.Hold();
        var texts = Enumerable.Range(0, 20).Select(i => Rig.Text(3, i)).ToArray();
        var tasks = texts[..4].Select(t => rig.Submit(t)).ToList();
        await rig.Model.WaitForStartedAsync(1).WaitAsync(Rig.Guard);
        tasks.AddRange(texts[4..].Select(t => rig.Submit(t)));

        var applied = rig.Processor.UpdateOptions(rig.Id, rig.Processor.GetOptions(rig.Id) with { MaxBatchSize = 8 });
        rig.Model.Release();
        var answers = await Task.WhenAll(tasks).WaitAsync(Rig.Guard);

        Assert.Equal(8, applied.MaxBatchSize);
        Assert.Equal(8, rig.Processor.GetOptions(rig.Id).MaxBatchSize);
        Assert.Equal([4, 8, 8], rig.Model.Batches.OrderBy(b => b.Sequence).Select(b => b.Size));
        for (var i = 0; i < texts.Length; i++)
        {
            rig.AssertAnswer(texts[i], answers[i]);
        }
    }

    [Fact]
    public async Task Raising_max_concurrent_batches_lets_a_waiting_batch_start_at_once()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 1, MaxConcurrentBatches = 1 });
        rig.Model.Hold();
        var first = rig.Submit("first");
        await rig.Model.WaitForStartedAsync(1).WaitAsync(Rig.Guard);
        var second = rig.Submit("second");

        rig.Processor.UpdateOptions(rig.Id, rig.Processor.GetOptions(rig.Id) with { MaxConcurrentBatches = 2 });

        await rig.Model.WaitForStartedAsync(2).WaitAsync(Rig.Guard);
        Assert.Equal(2, rig.Model.RunningBatches);
        rig.Model.Release();
        await Task.WhenAll(first, second).WaitAsync(Rig.Guard);
    }

    [Fact]
    public async Task Lowering_max_concurrent_batches_applies_to_the_next_batches()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 1, MaxConcurrentBatches = 4 });
        rig.Processor.UpdateOptions(rig.Id, rig.Processor.GetOptions(rig.Id) with { MaxConcurrentBatches = 1 });
        rig.Model.Hold();
        var tasks = Enumerable.Range(0, 3).Select(i => rig.Submit(Rig.Text(1, i))).ToArray();
        await rig.Model.WaitForStartedAsync(1).WaitAsync(Rig.Guard);

        Assert.Equal(1, rig.Model.RunningBatches);
        rig.Model.Release();
        await Task.WhenAll(tasks).WaitAsync(Rig.Guard);

        Assert.Equal(1, rig.Model.MaxConcurrentBatchesSeen);
        Assert.Equal(3, rig.Model.Batches.Count);
    }

    [Fact]
    public async Task Invalid_options_are_refused_and_the_old_ones_stay()
    {
        await using var rig = Rig.Create();
        var before = rig.Processor.GetOptions(rig.Id);

        var error = Assert.Throws<InvalidOptionsException>(
            () => rig.Processor.UpdateOptions(rig.Id, before with { MaxBatchSize = 0, MaxConcurrentBatches = 0 }));

        Assert.Contains("maxConcurrentBatches", error.Message, StringComparison.Ordinal);
        Assert.Same(before, rig.Processor.GetOptions(rig.Id));
        Assert.Throws<ModelNotFoundException>(() => rig.Processor.GetOptions("nope"));
    }
}
