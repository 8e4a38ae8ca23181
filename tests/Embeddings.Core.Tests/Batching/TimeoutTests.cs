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
}
