using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Embeddings.Testing;

namespace Embeddings.Core.Tests.Batching;

public class OverloadTests
{
    [Fact]
    public async Task A_full_queue_refuses_at_once_with_retry_after_and_admits_a_call_whole_or_not_at_all()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxQueueLength = 8 });
        var accepted = Enumerable.Range(0, 6).Select(i => rig.Submit(Rig.Text(2, i))).ToList();

        var three = Enumerable.Range(10, 3).Select(i => new ModelInput(Rig.Text(2, i))).ToArray();
        var refused = await Assert.ThrowsAsync<QueueFullException>(() => rig.Processor.SubmitBatchAsync(rig.Id, three));
        Assert.True(refused.RetryAfter > TimeSpan.Zero);
        Assert.Equal(rig.Id, refused.ModelId);
        Assert.Equal(6, rig.Processor.GetStats(rig.Id).QueueDepth); // none of the three got in

        var two = rig.Processor.SubmitBatchAsync(rig.Id, [new ModelInput("p q"), new ModelInput("r s")]);
        Assert.Equal(8, rig.Processor.GetStats(rig.Id).QueueDepth);
        await Assert.ThrowsAsync<QueueFullException>(() => rig.Submit("one more"));

        var stats = rig.Processor.GetStats(rig.Id);
        Assert.Equal(4, stats.RejectedQueueFull);
        Assert.Equal(12, stats.Inputs); // 8 accepted, 4 refused

        await rig.Processor.ShutdownAsync().WaitAsync(Rig.Guard);
        await Task.WhenAll(accepted);
        Assert.Equal(2, (await two).Count);
    }

    [Fact]
    public async Task Retry_after_is_one_second_before_anything_ran_then_follows_throughput()
    {
        await using var rig = Rig.Create(
            new BatchingOptions { MaxQueueLength = 4, MaxBatchSize = 4, MaxWaitMs = 0, MaxConcurrentBatches = 1 },
            model: new SimulatedModelOptions { CostPerBatch = TimeSpan.FromMilliseconds(1) },
            time: TimeProvider.System);

        var first = await FillAndOverflow(0);
        Assert.Equal(TimeSpan.FromSeconds(1), first);

        var second = await FillAndOverflow(100);
        // Every batch cost at least 1 ms for at most 4 inputs, so 4 queued inputs on one runner need at least
        // 1 ms, plus the 1 ms floor.
        Assert.NotEqual(TimeSpan.FromSeconds(1), second);
        Assert.InRange(second, TimeSpan.FromMilliseconds(2), TimeSpan.FromSeconds(60));

        async Task<TimeSpan> FillAndOverflow(int seed)
        {
            rig.Model.Hold();
            var started = rig.Model.StartedBatches;
            var running = rig.Submit(Rig.Text(2, seed));
            await rig.Model.WaitForStartedAsync(started + 1).WaitAsync(Rig.Guard);
            var queued = Enumerable.Range(1, 4).Select(i => rig.Submit(Rig.Text(2, seed + i))).ToArray();
            var refused = await Assert.ThrowsAsync<QueueFullException>(() => rig.Submit("no room"));
            rig.Model.Release();
            await Task.WhenAll(queued.Append(running)).WaitAsync(Rig.Guard);
            return refused.RetryAfter;
        }
    }

    [Fact]
    public async Task Retry_after_counts_the_slots_the_process_has_not_a_larger_cap()
    {
        // Every batch takes exactly 40 ms of a fake clock; the model may run 4 batches at once, but the process has one slot.
        await using var rig = Rig.WithExactCost(
            new BatchingOptions { MaxQueueLength = 4, MaxBatchSize = 4, MaxWaitMs = 0, MaxConcurrentBatches = 4 },
            TimeSpan.FromMilliseconds(40),
            slots: 1);
        await rig.Submit("one input, 40 ms").WaitAsync(Rig.Guard);

        rig.Model.Hold();
        var running = rig.Submit("holds the only slot");
        await rig.Model.WaitForStartedAsync(2).WaitAsync(Rig.Guard);
        var queued = Enumerable.Range(0, 4).Select(i => rig.Submit(Rig.Text(2, i))).ToArray();
        var refused = await Assert.ThrowsAsync<QueueFullException>(() => rig.Submit("no room"));

        // 4 queued inputs at 40 ms each, one at a time, plus the 1 ms floor (not 4 x 40 / 4 + 1 = 41 ms).
        Assert.Equal(TimeSpan.FromMilliseconds(161), refused.RetryAfter);
        rig.Model.Release();
        await Task.WhenAll(queued.Append(running)).WaitAsync(Rig.Guard);
    }
}
