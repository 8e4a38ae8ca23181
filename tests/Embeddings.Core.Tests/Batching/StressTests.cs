using Embeddings.Contracts;
using Embeddings.Core.Batching;

namespace Embeddings.Core.Tests.Batching;

public class StressTests
{
    [Fact]
    public async Task Concurrent_submits_and_cancellations_all_end_and_the_counts_add_up()
    {
        await using var rig = Rig.Create(
            new BatchingOptions { MaxBatchSize = 8, MaxWaitMs = 1, MaxConcurrentBatches = 2 }, time: TimeProvider.System);
        var texts = Enumerable.Range(0, 400).Select(i => Rig.Text(1 + (i % 9), i)).ToArray();

        var tasks = texts.Select((text, i) => Task.Run(async () =>
        {
            using var cts = new CancellationTokenSource();
            var task = rig.Submit(text, cts.Token);
            if (i % 3 == 0)
            {
                await cts.CancelAsync();
            }

            try
            {
                return await task;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        })).ToArray();
        var answers = await Task.WhenAll(tasks).WaitAsync(Rig.Guard);
        await rig.Processor.ShutdownAsync().WaitAsync(Rig.Guard);

        for (var i = 0; i < texts.Length; i++)
        {
            if (answers[i] is { } answer)
            {
                rig.AssertAnswer(texts[i], answer);
            }
            else
            {
                Assert.Equal(0, i % 3); // only the cancelled ones go without an answer
            }
        }

        var stats = rig.Processor.GetStats(rig.Id);
        Assert.Equal(400, stats.Inputs);
        Assert.Equal(stats.Inputs, stats.Completed + stats.Failed + stats.Cancelled + stats.Rejected);
        // The promise in the race between a caller leaving and its batch being planned: an input whose caller leaves
        // after its batch was planned still runs (a running batch cannot drop one input), and counts as cancelled in
        // flight, never completed. So every input the model embedded is answered once, one way or the other.
        Assert.Equal(rig.Model.EmbeddedInputs, stats.Completed + stats.CancelledInFlight);
        Assert.Equal(0, stats.QueueDepth);
        Assert.Equal(0, stats.InFlightBatches);
        Assert.True(answers.Count(a => a is not null) >= 400 - 134);
    }
}
