using Embeddings.Core.Batching;
using Embeddings.Core.Models;

namespace Embeddings.Core.Tests.Batching;

public class ShutdownTests
{
    [Fact]
    public async Task Shutdown_answers_all_50_pending_requests_then_refuses_new_ones()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 64 });
        var texts = Enumerable.Range(0, 50).Select(i => Rig.Text(1 + (i % 5), i)).ToArray();
        var tasks = texts.Select(t => rig.Submit(t)).ToArray();
        Assert.Equal(50, rig.Processor.GetStats(rig.Id).QueueDepth); // nothing is due: the fake clock stands still

        await rig.Processor.ShutdownAsync().WaitAsync(Rig.Guard);

        Assert.All(tasks, t => Assert.True(t.IsCompletedSuccessfully));
        for (var i = 0; i < texts.Length; i++)
        {
            rig.AssertAnswer(texts[i], await tasks[i]);
        }

        await Assert.ThrowsAsync<ShuttingDownException>(() => rig.Submit("too late"));
        var stats = rig.Processor.GetStats(rig.Id);
        Assert.Equal(50, stats.Completed);
        Assert.Equal(1, stats.RejectedShuttingDown);
        Assert.Equal(0, stats.QueueDepth);
    }

    [Fact]
    public async Task Shutdown_waits_for_batches_in_flight()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 2 });
        rig.Model.Hold();
        var tasks = new[] { rig.Submit("a b"), rig.Submit("c d") };
        await rig.Model.WaitForStartedAsync(1).WaitAsync(Rig.Guard);

        var shutdown = rig.Processor.ShutdownAsync();
        await Assert.ThrowsAsync<ShuttingDownException>(() => rig.Processor.SubmitBatchAsync(rig.Id, [new ModelInput("e")]));
        Assert.False(shutdown.IsCompleted); // the held batch is still in flight
        Assert.Equal(1, rig.Processor.GetStats(rig.Id).InFlightBatches);

        rig.Model.Release();
        await shutdown.WaitAsync(Rig.Guard);

        Assert.All(tasks, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(0, rig.Processor.GetStats(rig.Id).InFlightBatches);
    }

    [Fact]
    public async Task Shutdown_is_idempotent_and_dispose_after_it_is_harmless()
    {
        var rig = Rig.Create();
        var task = rig.Submit("one two");

        await rig.Processor.ShutdownAsync().WaitAsync(Rig.Guard);
        await rig.Processor.ShutdownAsync().WaitAsync(Rig.Guard);
        await rig.DisposeAsync();

        Assert.True(task.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Abandoning_stops_the_running_batch_and_answers_it_and_the_queue_with_503_errors()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 2, MaxConcurrentBatches = 1 });
        rig.Model.Hold(); // the running batch would never finish on its own
        var running = new[] { rig.Submit("a b"), rig.Submit("c d") };
        await rig.Model.WaitForStartedAsync(1).WaitAsync(Rig.Guard);
        var queued = rig.Submit("e f");

        rig.Processor.AbandonAll();

        var stopped = await Assert.ThrowsAsync<ShuttingDownException>(() => running[0]).WaitAsync(Rig.Guard);
        Assert.Contains("stopped this input's batch while it ran", stopped.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ShuttingDownException>(() => running[1]).WaitAsync(Rig.Guard);
        var dropped = await Assert.ThrowsAsync<ShuttingDownException>(() => queued).WaitAsync(Rig.Guard);
        Assert.Contains("before this input's turn came", dropped.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ShuttingDownException>(() => rig.Submit("g h"));
        await rig.Processor.ShutdownAsync().WaitAsync(Rig.Guard); // nothing is left to wait for

        var stats = rig.Processor.GetStats(rig.Id);
        Assert.Equal((3, 0, 0), (stats.Failed, stats.QueueDepth, stats.InFlightBatches));
    }

    [Fact]
    public async Task Once_told_to_stop_waiting_a_queue_dispatches_at_once_and_still_accepts_input()
    {
        await using var rig = Rig.Create(); // a minute's wait for a batch of 32, on a clock that stands still
        var waiting = rig.Submit("waits for a batch");
        Assert.Equal(1, rig.Processor.GetStats(rig.Id).QueueDepth);

        rig.Processor.StopWaitingForBatches();

        rig.AssertAnswer("waits for a batch", await waiting.WaitAsync(Rig.Guard));
        rig.AssertAnswer("still accepted", await rig.Submit("still accepted").WaitAsync(Rig.Guard));
    }
}
