using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Embeddings.Testing;
using Microsoft.Extensions.Logging;

namespace Embeddings.Core.Tests.Batching;

/// <summary>A dead dispatcher, cancellations that pile up, and the stats identity on every path.</summary>
public class EngineFaultTests
{
    [Fact]
    public async Task A_crashed_dispatcher_fails_its_callers_as_model_failed_refuses_new_work_and_logs_once()
    {
        var logs = new ListLoggerFactory();
        await using var rig = Rig.Create(time: new FailingTimerTimeProvider(), logs: logs);

        // Two inputs wait for their window; starting its timer breaks the loop.
        var waiting = new[] { rig.Submit("one"), rig.Submit("two") };
        foreach (var task in waiting)
        {
            var error = await Assert.ThrowsAsync<ModelFailedException>(() => task).WaitAsync(Rig.Guard);
            Assert.Equal(rig.Id, error.ModelId);
            Assert.IsType<InvalidOperationException>(error.InnerException);
        }

        var later = await Assert.ThrowsAsync<ModelFailedException>(() => rig.Submit("three"));
        Assert.Contains("cannot start timers", later.Message, StringComparison.Ordinal);
        Assert.Contains(rig.Id, rig.Processor.FailedModels.Keys);
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Critical);
        Assert.Equal(0, rig.Model.StartedBatches);

        var stats = rig.Processor.GetStats(rig.Id);
        Assert.Equal(3, stats.Inputs);
        Assert.Equal(3, stats.Failed);
        Assert.Equal(0, stats.QueueDepth);
        await rig.Processor.ShutdownAsync().WaitAsync(Rig.Guard); // a failed model does not block shutdown
    }

    [Fact]
    public async Task Cancelled_entries_leave_the_pool_so_it_stays_bounded_while_every_runner_is_busy()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 1, MaxQueueLength = 8, MaxConcurrentBatches = 1 });
        rig.Model.Hold();
        var running = rig.Submit("holds the runner");
        await rig.Model.WaitForStartedAsync(1).WaitAsync(Rig.Guard);

        for (var i = 0; i < 1000; i++)
        {
            using var cts = new CancellationTokenSource();
            var gone = rig.Submit(Rig.Text(2, i), cts.Token);
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gone);
        }

        var drained = rig.DispatcherWaiting(pending: 1, timed: false); // every submission read, one live entry left
        var kept = rig.Submit("still wanted");
        await drained.WaitAsync(Rig.Guard);

        Assert.InRange(rig.Processor.Queue(rig.Id).PoolEntries, 1, (2 * 8) + 64);
        Assert.Equal(1, rig.Processor.GetStats(rig.Id).QueueDepth);
        rig.Model.Release();
        rig.AssertAnswer("still wanted", await kept.WaitAsync(Rig.Guard));
        await running.WaitAsync(Rig.Guard);
        Assert.Equal(2, rig.Model.EmbeddedInputs);
    }

    [Fact]
    public async Task An_input_cancelled_while_it_waits_for_a_runner_never_reaches_the_model()
    {
        await using var rig = Rig.Create(new BatchingOptions { MaxWaitMs = 0, MaxConcurrentBatches = 1 });
        rig.Model.Hold();
        var running = rig.Submit("holds the runner");
        await rig.Model.WaitForStartedAsync(1).WaitAsync(Rig.Guard);
        using var cts = new CancellationTokenSource();
        var due = rig.Submit("due at once but no runner is free", cts.Token);
        var kept = rig.Submit("kept");

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => due).WaitAsync(Rig.Guard);
        rig.Model.Release();
        await Task.WhenAll(running, kept).WaitAsync(Rig.Guard);

        Assert.DoesNotContain(rig.Model.Batches, b => b.TokenCounts.Contains(rig.Model.Tokenize("due at once but no runner is free", true).Count));
        Assert.Equal(2, rig.Model.EmbeddedInputs);
        var stats = rig.Processor.GetStats(rig.Id);
        Assert.Equal(1, stats.Cancelled);
        Assert.Equal(0, stats.CancelledInFlight);
    }

    [Fact]
    public async Task Changing_max_concurrent_batches_under_load_changes_how_many_run_and_loses_nothing()
    {
        await using var rig = Rig.Create(new BatchingOptions { MaxBatchSize = 1, MaxWaitMs = 0, MaxConcurrentBatches = 1 });
        rig.Model.Hold();
        var texts = Enumerable.Range(0, 30).Select(i => Rig.Text(2, i)).ToArray();
        var tasks = texts.Select(t => rig.Submit(t)).ToArray();
        await rig.Model.WaitForStartedAsync(1).WaitAsync(Rig.Guard);
        Assert.Equal(1, rig.Model.RunningBatches);

        rig.Processor.UpdateOptions(rig.Id, rig.Processor.GetOptions(rig.Id) with { MaxConcurrentBatches = 3 });
        await rig.Model.WaitForStartedAsync(3).WaitAsync(Rig.Guard);
        Assert.Equal(3, rig.Model.RunningBatches);

        rig.Processor.UpdateOptions(rig.Id, rig.Processor.GetOptions(rig.Id) with { MaxConcurrentBatches = 1 });
        rig.Model.Release();
        var answers = await Task.WhenAll(tasks).WaitAsync(Rig.Guard);

        for (var i = 0; i < texts.Length; i++)
        {
            rig.AssertAnswer(texts[i], answers[i]);
        }

        Assert.Equal(3, rig.Model.MaxConcurrentBatchesSeen);
        Assert.Equal(30, rig.Processor.GetStats(rig.Id).Completed);
    }

    [Fact]
    public async Task Inputs_always_equal_completed_plus_failed_plus_cancelled_plus_rejected()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 2, MaxQueueLength = 4, MaxConcurrentBatches = 1 });
        var id = rig.Id;
        await Task.WhenAll(rig.Submit("a"), rig.Submit("b")).WaitAsync(Rig.Guard); // completed: 2

        rig.Model.FailNextBatches(1);
        var failing = new[] { rig.Submit("c"), rig.Submit("d") }; // failed: 2
        foreach (var task in failing)
        {
            await Assert.ThrowsAsync<ModelFailedException>(() => task).WaitAsync(Rig.Guard);
        }

        rig.Model.Hold();
        using var inFlight = new CancellationTokenSource();
        var running = new[] { rig.Submit("e", inFlight.Token), rig.Submit("f") };
        await rig.Model.WaitForStartedAsync(3).WaitAsync(Rig.Guard);
        await inFlight.CancelAsync(); // cancelled in flight: 1
        using var queued = new CancellationTokenSource();
        var leaving = rig.Submit("g", queued.Token);
        await queued.CancelAsync(); // cancelled while queued: 1
        var stays = rig.Submit("h");
        await Assert.ThrowsAsync<QueueFullException>(
            () => rig.Processor.SubmitBatchAsync(id, [new("i"), new("j"), new("k"), new("l")])); // rejected: 4

        var shutdown = rig.Processor.ShutdownAsync();
        await Assert.ThrowsAsync<ShuttingDownException>(() => rig.Submit("m")); // rejected: 1
        rig.Model.Release();
        await shutdown.WaitAsync(Rig.Guard);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running[0]);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        await Task.WhenAll(running[1], stays).WaitAsync(Rig.Guard);

        var stats = rig.Processor.GetStats(id);
        Assert.Equal((13, 4, 2, 2, 5), (stats.Inputs, stats.Completed, stats.Failed, stats.Cancelled, stats.Rejected));
        Assert.Equal(stats.Inputs, stats.Completed + stats.Failed + stats.Cancelled + stats.Rejected);
        Assert.Equal((0, 0), (stats.QueueDepth, stats.InFlightBatches));
    }
}
