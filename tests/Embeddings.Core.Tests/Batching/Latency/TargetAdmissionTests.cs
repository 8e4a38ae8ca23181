using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Embeddings.Testing;
using Xunit.Abstractions;

namespace Embeddings.Core.Tests.Batching.Latency;

/// <summary>The engine with a latency target: it learns what a batch costs, steers the batch size within the limits,
/// and refuses at once what its queue could not answer in time, but never an input into an empty queue.</summary>
public sealed class TargetAdmissionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Admission_refuses_what_the_queue_could_not_serve_within_the_target_and_admits_into_an_empty_queue()
    {
        // Every batch takes exactly 20 ms of a fake clock, whatever its size; one slot; a 100 ms target.
        await using var rig = Rig.WithExactCost(
            new BatchingOptions { MaxBatchSize = 4, MaxWaitMs = 0, MaxConcurrentBatches = 1, TargetP95Ms = 100 },
            TimeSpan.FromMilliseconds(20),
            slots: 1);
        for (var round = 0; round < 8; round++)
        {
            // One at a time (an input into an empty queue is never refused), of several lengths: it learns that a
            // batch's time does not grow with its tokens.
            await rig.Submit(Rig.Text(1 + (round % 4), round)).WaitAsync(Rig.Guard);
        }

        rig.Model.Hold(); // the slot is taken and the queue only grows from here
        var started = rig.Model.StartedBatches;
        var running = rig.Submit("holds the only slot");
        await rig.Model.WaitForStartedAsync(started + 1).WaitAsync(Rig.Guard);
        var admitted = new List<Task<ModelEmbedding>>();
        OverTargetException? refused = null;
        for (var i = 0; i < 100 && refused is null; i++)
        {
            var answer = rig.Submit(Rig.Text(3, 1000 + i));
            if (answer.IsFaulted)
            {
                refused = Assert.IsType<OverTargetException>(answer.Exception!.InnerException);
            }
            else
            {
                admitted.Add(answer);
            }
        }

        Assert.NotNull(refused);
        // Batches of 4 take 20 ms each, one at a time, after the one running (which may have just begun): sixteen inputs
        // are answered within 100 ms; the 17th would take 120.
        Assert.Equal(16, admitted.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(20), refused.RetryAfter); // how much too late it would have been
        Assert.Contains("100 ms latency target: about 120 ms of work waits", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, rig.Processor.GetStats(rig.Id).RejectedOverTarget);
        var latency = rig.Processor.GetLatency(rig.Id)!;
        Assert.Equal((100, 4), (latency.TargetP95Ms, latency.BatchSize)); // a 20 ms batch of 4 fits two fifths of the target
        Assert.Equal(200, latency.CapacityPerSecond!.Value, 6); // four inputs per 20 ms on one slot

        rig.Model.Release();
        await Task.WhenAll([running, .. admitted]).WaitAsync(Rig.Guard);
        var alone = await rig.Submit("into an empty queue").WaitAsync(Rig.Guard); // never refused: nothing waits ahead of it
        rig.AssertAnswer("into an empty queue", alone);
    }

    [Fact]
    public async Task A_model_with_a_target_does_not_starve_another_that_shares_its_slot()
    {
        // Two models flooded on one slot, on the real clock: a batch waits 10 ms plus 0.02 ms per padded token, and each
        // input has 102 tokens, so that each model's service runs past the scheduler's slack and fair queuing, not
        // arrival order, decides. The first has a target it cannot meet while the other holds the slot, so its
        // controller shrinks its batches as far as they go and its admission refuses much of its own load; whatever it
        // does, the other model keeps at least about its half of the slot (in padded tokens, the scheduler's measure).
        await using var rig = Rig.Create(
            new BatchingOptions { MaxBatchSize = 16, MaxWaitMs = 2, MaxConcurrentBatches = 1 },
            models: 2,
            model: new SimulatedModelOptions { CostPerBatch = TimeSpan.FromMilliseconds(10), CostPerPaddedToken = TimeSpan.FromMilliseconds(0.02) },
            time: TimeProvider.System,
            slots: 1);
        var (targeted, other) = (rig.Models[0].Descriptor.Id, rig.Models[1].Descriptor.Id);
        rig.Processor.UpdateOptions(targeted, rig.Processor.GetOptions(targeted) with { TargetP95Ms = 40 });

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var refused = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(client => FloodAsync(client % 2 == 0 ? targeted : other, client)))
            .WaitAsync(TimeSpan.FromSeconds(30));

        var (a, b) = (rig.Processor.GetStats(targeted), rig.Processor.GetStats(other));
        var share = b.PaddedTokens / (double)(a.PaddedTokens + b.PaddedTokens);
        output.WriteLine($"the other model's share of padded tokens {share:0.000}; inputs {b.Completed} against {a.Completed}; "
            + $"{refused} refused; the targeted model's batch size {rig.Processor.GetLatency(targeted)!.BatchSize}");
        Assert.True(rig.Processor.GetLatency(targeted)!.BatchSize < 16, "the controller never shrank the targeted model's batches");
        Assert.True(b.PaddedTokens > InferenceScheduler.DefaultSlack, $"the other model's service ({b.PaddedTokens} tokens) never left the slack");
        Assert.True(share > 0.45, $"the other model got {share:P0} of the padded tokens ({b.Completed} inputs against {a.Completed}, {refused} refused)");
        Assert.True(a.Completed > 0, "the targeted model was never served");

        async Task FloodAsync(string model, int client)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await rig.Processor.SubmitAsync(model, new ModelInput(Rig.Text(100, (client * 100_000) + i)));
                }
                catch (OverTargetException late)
                {
                    Interlocked.Increment(ref refused);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp(late.RetryAfter.TotalMilliseconds, 5, 50))); // as a client would
                }
            }
        }
    }

    [Fact]
    public async Task Without_a_target_nothing_is_refused_for_time_and_the_options_apply_as_they_are()
    {
        await using var rig = Rig.Create(new BatchingOptions { MaxBatchSize = 4, MaxWaitMs = 0, MaxConcurrentBatches = 1 }, slots: 1);
        rig.Model.Hold();
        var answers = Enumerable.Range(0, 50).Select(i => rig.Submit(Rig.Text(3, i))).ToArray();

        Assert.DoesNotContain(answers, a => a.IsFaulted);
        Assert.Null(rig.Processor.GetLatency(rig.Id));
        Assert.Equal(rig.Processor.GetOptions(rig.Id), rig.Processor.GetEffectiveOptions(rig.Id));
        rig.Model.Release();
        await Task.WhenAll(answers).WaitAsync(Rig.Guard);
    }
}
