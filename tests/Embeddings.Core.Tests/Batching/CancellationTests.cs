using Embeddings.Core.Models;

namespace Embeddings.Core.Tests.Batching;

public class CancellationTests
{
    [Fact]
    public async Task Input_cancelled_while_queued_never_reaches_the_model()
    {
        await using var rig = Rig.Create();
        using var cts = new CancellationTokenSource();
        var doomed = rig.Submit(Rig.Text(7, 0), cts.Token); // the only input with 9 tokens
        var kept = new[] { Rig.Text(2, 1), Rig.Text(2, 2) };
        var tasks = kept.Select(t => rig.Submit(t)).ToArray();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => doomed).WaitAsync(Rig.Guard);
        var stats = rig.Processor.GetStats(rig.Id);
        Assert.Equal(1, stats.Cancelled);
        Assert.Equal(2, stats.QueueDepth);

        rig.Clock.Advance(TimeSpan.FromMilliseconds(Rig.Patient.MaxWaitMs));
        var answers = await Task.WhenAll(tasks).WaitAsync(Rig.Guard);

        Assert.Equal([4, 4], Assert.Single(rig.Model.Batches).TokenCounts);
        Assert.Equal(2, rig.Model.EmbeddedInputs);
        rig.AssertAnswer(kept[0], answers[0]);
        rig.AssertAnswer(kept[1], answers[1]);
    }

    [Fact]
    public async Task Cancelling_during_inference_ends_the_wait_and_discards_the_result()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 2 });
        rig.Model.Hold();
        using var cts = new CancellationTokenSource();
        var cancelled = rig.Submit("one", cts.Token);
        var other = rig.Submit("two");
        await rig.Model.WaitForStartedAsync(1).WaitAsync(Rig.Guard);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled).WaitAsync(Rig.Guard);

        rig.Model.Release();
        rig.AssertAnswer("two", await other.WaitAsync(Rig.Guard));
        var stats = rig.Processor.GetStats(rig.Id);
        Assert.Equal(1, stats.CancelledInFlight);
        Assert.Equal(1, stats.Cancelled);
        Assert.Equal(1, stats.Completed);
    }

    [Fact]
    public async Task An_already_cancelled_token_is_refused_before_queueing()
    {
        await using var rig = Rig.Create();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rig.Submit("x", cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => rig.Processor.SubmitBatchAsync(rig.Id, [new ModelInput("x")], cts.Token));

        Assert.Equal(0, rig.Processor.GetStats(rig.Id).Inputs);
    }
}
