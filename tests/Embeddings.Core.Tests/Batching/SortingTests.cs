using Embeddings.Contracts;
using Embeddings.Core.Batching;

namespace Embeddings.Core.Tests.Batching;

/// <summary>Batches are chosen by length from the whole queue, and every caller still gets its own vector.</summary>
public class SortingTests
{
    private static readonly int[] Words = [5, 1, 9, 3, 7, 2, 8, 4, 6, 1, 9, 2, 5, 3, 7, 4];

    [Fact]
    public async Task Model_receives_length_sorted_batches_and_each_caller_gets_its_own_vector()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = Words.Length, MinPaddingEfficiency = 0 });
        var texts = Words.Select((w, i) => Rig.Text(w, i)).ToArray();

        var answers = await Task.WhenAll(texts.Select(t => rig.Submit(t))).WaitAsync(Rig.Guard);

        Assert.All(rig.Model.Batches, b => Assert.Equal(b.TokenCounts.Order(), b.TokenCounts));
        Assert.Equal(Words.Length, rig.Model.Batches.Sum(b => b.Size));
        for (var i = 0; i < texts.Length; i++)
        {
            rig.AssertAnswer(texts[i], answers[i]);
        }
    }

    [Fact]
    public async Task Choosing_by_length_keeps_short_and_long_inputs_apart_where_arrival_order_mixes_them()
    {
        // Short (4 tokens) and long (42 tokens) inputs alternate.
        var texts = Enumerable.Range(0, 16).Select(i => Rig.Text(i % 2 == 0 ? 2 : 40, i)).ToArray();

        var arrival = await RunAsync(sort: false);
        var sorted = await RunAsync(sort: true);

        Assert.Equal([16], arrival.Select(b => b.Length)); // one mixed batch
        Assert.Equal([[.. Enumerable.Repeat(4, 8)], [.. Enumerable.Repeat(42, 8)]], sorted);

        async Task<int[][]> RunAsync(bool sort)
        {
            await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 16, SortByLength = sort });
            var tasks = texts.Select(t => rig.Submit(t)).ToArray();
            if (sort)
            {
                // 16 waiting made a batch due: the 8 short ones, too far from the long ones to share a batch.
                // The 8 long ones are no longer enough for the size rule and go when their wait is over.
                await Task.WhenAll(tasks.Where((_, i) => i % 2 == 0)).WaitAsync(Rig.Guard);
                rig.Clock.Advance(TimeSpan.FromMilliseconds(Rig.Patient.MaxWaitMs));
            }

            var answers = await Task.WhenAll(tasks).WaitAsync(Rig.Guard);
            for (var i = 0; i < texts.Length; i++)
            {
                rig.AssertAnswer(texts[i], answers[i]);
            }

            var stats = rig.Processor.GetStats(rig.Id);
            Assert.Equal(sort ? 1.0 : 16.0 * 23 / (16 * 42), stats.PaddingEfficiency, 6);
            return [.. rig.Model.Batches.OrderBy(b => b.Sequence).Select(b => b.TokenCounts.ToArray())];
        }
    }

    [Fact]
    public async Task The_oldest_input_is_in_the_next_batch_even_when_shorter_ones_keep_arriving()
    {
        await using var rig = Rig.Create(new BatchingOptions { MaxBatchSize = 4, MaxWaitMs = 0, MaxConcurrentBatches = 1 });
        rig.Model.Hold();
        var first = rig.Submit(Rig.Text(3, 0));
        await rig.Model.WaitForStartedAsync(1).WaitAsync(Rig.Guard); // the only runner is busy

        // A long input, then twelve short ones: far closer to each other than to it.
        var old = rig.Submit(Rig.Text(60, 1));
        var young = Enumerable.Range(2, 12).Select(i => rig.Submit(Rig.Text(3, i))).ToArray();
        rig.Model.Release();
        await Task.WhenAll(young.Append(old).Append(first)).WaitAsync(Rig.Guard);

        var batches = rig.Model.Batches.OrderBy(b => b.Sequence).Select(b => b.TokenCounts.ToArray()).ToArray();
        Assert.Equal([5], batches[0]);
        Assert.Equal([62], batches[1]); // the oldest waiting input anchors the next batch, alone: nothing is close to it
        Assert.All(batches[2..], b => Assert.Equal([5, 5, 5, 5], b));
    }
}
