using Embeddings.Core.Batching;

namespace Embeddings.Core.Tests.Batching;

public class SortingTests
{
    private static readonly int[] Words = [5, 1, 9, 3, 7, 2, 8, 4, 6, 1, 9, 2, 5, 3, 7, 4];

    [Fact]
    public async Task Model_receives_length_sorted_batches_and_each_caller_gets_its_own_vector()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = Words.Length });
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
    public async Task Sorting_and_splitting_raise_padding_efficiency_over_arrival_order()
    {
        // Short (4 tokens) and long (42 tokens) inputs alternate.
        var texts = Enumerable.Range(0, 16).Select(i => Rig.Text(i % 2 == 0 ? 2 : 40, i)).ToArray();

        var arrival = await RunOnce(sort: false);
        var sorted = await RunOnce(sort: true);

        Assert.Equal(16.0 * 23 / (16 * 42), arrival.PaddingEfficiency, 6);
        Assert.True(sorted.PaddingEfficiency > arrival.PaddingEfficiency);
        Assert.Equal(1, arrival.Batches);
        Assert.Equal(2, sorted.Batches); // split into a short and a long part
        Assert.Equal(16, sorted.Completed);

        async Task<ModelStatsSnapshot> RunOnce(bool sort)
        {
            await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 16, SortByLength = sort });
            var answers = await Task.WhenAll(texts.Select(t => rig.Submit(t))).WaitAsync(Rig.Guard);
            for (var i = 0; i < texts.Length; i++)
            {
                rig.AssertAnswer(texts[i], answers[i]);
            }

            return rig.Processor.GetStats(rig.Id);
        }
    }
}

public class SplitPartsTests
{
    private static readonly string[] Texts = [.. Enumerable.Range(0, 16).Select(i => Rig.Text(i % 2 == 0 ? 2 : 40, i))];

    [Fact]
    public async Task Parts_of_a_split_batch_run_at_once_on_free_runners()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 16, MaxConcurrentBatches = 2 });
        rig.Model.Hold();
        var tasks = Texts.Select(t => rig.Submit(t)).ToArray();

        await rig.Model.WaitForStartedAsync(2).WaitAsync(Rig.Guard);
        Assert.Equal(2, rig.Model.RunningBatches);

        rig.Model.Release();
        var answers = await Task.WhenAll(tasks).WaitAsync(Rig.Guard);
        for (var i = 0; i < Texts.Length; i++)
        {
            rig.AssertAnswer(Texts[i], answers[i]);
        }
    }

    [Fact]
    public async Task With_one_runner_the_parts_run_in_turn()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 16, MaxConcurrentBatches = 1 });
        rig.Model.Hold();
        var tasks = Texts.Select(t => rig.Submit(t)).ToArray();

        await rig.Model.WaitForStartedAsync(1).WaitAsync(Rig.Guard);
        Assert.Equal(1, rig.Model.RunningBatches);

        rig.Model.Release();
        var answers = await Task.WhenAll(tasks).WaitAsync(Rig.Guard);
        Assert.Equal(1, rig.Model.MaxConcurrentBatchesSeen);
        Assert.Equal([8, 8], rig.Model.Batches.Select(b => b.Size));
        for (var i = 0; i < Texts.Length; i++)
        {
            rig.AssertAnswer(Texts[i], answers[i]);
        }
    }
}

public class BatchSplitterTests
{
    [Fact]
    public void Splits_where_lengths_differ_widely()
    {
        int[] lengths = [4, 4, 4, 4, 42, 42, 42, 42];

        Assert.Equal([new Range(0, 4), new Range(4, 8)], BatchSplitter.Split(lengths));
    }

    [Fact]
    public void Keeps_similar_lengths_together()
    {
        int[] lengths = [10, 11, 12, 12, 13, 14, 14, 15];

        Assert.Equal([new Range(0, 8)], BatchSplitter.Split(lengths));
    }

    [Fact]
    public void A_single_long_outlier_goes_on_its_own()
    {
        int[] lengths = [.. Enumerable.Repeat(10, 31), 256];

        Assert.Equal([new Range(0, 31), new Range(31, 32)], BatchSplitter.Split(lengths));
    }

    [Fact]
    public void Small_savings_do_not_split()
    {
        int[] lengths = [3, 3, 20]; // saving 17x2 - ... below the 64-token floor

        Assert.Equal([new Range(0, 3)], BatchSplitter.Split(lengths));
    }
}
