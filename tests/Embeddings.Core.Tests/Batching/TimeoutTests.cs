using Embeddings.Contracts;
using Embeddings.Core.Batching;

namespace Embeddings.Core.Tests.Batching;

public class TimeoutTests
{
    [Fact]
    public async Task Three_inputs_dispatch_exactly_when_max_wait_elapses()
    {
        await using var rig = Rig.Create(new BatchingOptions { MaxWaitMs = 10, MaxBatchSize = 32 });
        TimeSpan? left = null;
        var waiting = rig.DispatcherWaiting(pending: 3, seen: l => left = l);

        var texts = Enumerable.Range(0, 3).Select(i => Rig.Text(2, i)).ToArray();
        var tasks = texts.Select(t => rig.Submit(t)).ToArray();
        await waiting.WaitAsync(Rig.Guard);
        Assert.Equal(TimeSpan.FromMilliseconds(10), left); // its timer is set for exactly the window

        rig.Clock.Advance(TimeSpan.FromMilliseconds(9));
        Assert.Equal(0, rig.Model.StartedBatches);
        Assert.All(tasks, t => Assert.False(t.IsCompleted));

        rig.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var answers = await Task.WhenAll(tasks).WaitAsync(Rig.Guard);

        Assert.Equal(3, Assert.Single(rig.Model.Batches).Size);
        Assert.All(answers, a => Assert.Equal(TimeSpan.FromMilliseconds(10), a.Timings.QueueTime));
    }

    [Fact]
    public async Task Zero_wait_dispatches_without_the_clock_moving()
    {
        await using var rig = Rig.Create(new BatchingOptions { MaxWaitMs = 0 });
        var text = Rig.Text(4, 1);

        var answer = await rig.Submit(text).WaitAsync(Rig.Guard);

        rig.AssertAnswer(text, answer);
        Assert.Equal(TimeSpan.Zero, answer.Timings.QueueTime);
    }

    [Fact]
    public async Task Dispatch_when_idle_sends_a_lone_input_at_once_and_waits_while_a_batch_runs()
    {
        await using var rig = Rig.Create(new BatchingOptions { MaxWaitMs = 10, MaxBatchSize = 32, DispatchWhenIdle = true });
        var first = Rig.Text(2, 1);

        rig.Model.Hold();
        var lone = rig.Submit(first);
        await rig.Model.WaitForStartedAsync(1).WaitAsync(Rig.Guard); // no clock move: the idle model took it at once

        // While that batch runs the model is not idle: the next inputs wait for the window as usual.
        var waiting = rig.DispatcherWaiting(pending: 2);
        var later = new[] { rig.Submit(Rig.Text(2, 2)), rig.Submit(Rig.Text(2, 3)) };
        await waiting.WaitAsync(Rig.Guard);
        rig.Clock.Advance(TimeSpan.FromMilliseconds(9));
        Assert.Equal(1, rig.Model.StartedBatches);

        rig.Model.Release();
        rig.AssertAnswer(first, await lone.WaitAsync(Rig.Guard));
        Assert.Equal(TimeSpan.Zero, (await lone).Timings.QueueTime);
        rig.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await Task.WhenAll(later).WaitAsync(Rig.Guard);
        Assert.Equal([1, 2], rig.Model.Batches.Select(b => b.Size));
    }
}
