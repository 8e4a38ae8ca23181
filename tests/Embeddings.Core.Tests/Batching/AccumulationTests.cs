using Embeddings.Core.Batching;

namespace Embeddings.Core.Tests.Batching;

public class AccumulationTests
{
    [Fact]
    public async Task Max_batch_size_inputs_make_one_batch()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 32 });
        var texts = Enumerable.Range(0, 32).Select(i => Rig.Text(3, i)).ToArray();

        var answers = await Task.WhenAll(texts.Select(t => rig.Submit(t))).WaitAsync(Rig.Guard);

        var batch = Assert.Single(rig.Model.Batches);
        Assert.Equal(32, batch.Size);
        Assert.All(answers, a => Assert.Equal(32, a.Timings.BatchSize));
        for (var i = 0; i < texts.Length; i++)
        {
            rig.AssertAnswer(texts[i], answers[i]);
        }
    }

    [Fact]
    public async Task One_more_input_than_max_batch_size_makes_two_batches()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 32 });
        var tasks = Enumerable.Range(0, 33).Select(i => rig.Submit(Rig.Text(3, i))).ToArray();

        await Task.WhenAll(tasks[..32]).WaitAsync(Rig.Guard);
        Assert.False(tasks[32].IsCompleted); // the 33rd waits for its window: the fake clock has not moved
        Assert.Equal(1, rig.Processor.GetStats(rig.Id).QueueDepth);

        rig.Clock.Advance(TimeSpan.FromMilliseconds(Rig.Patient.MaxWaitMs));
        await tasks[32].WaitAsync(Rig.Guard);

        Assert.Equal([32, 1], rig.Model.Batches.OrderBy(b => b.Sequence).Select(b => b.Size));
    }

    [Fact]
    public async Task Token_budget_dispatches_before_padded_cost_would_pass_it()
    {
        // 8 words = 10 tokens each: 4 make 40 padded tokens, a 5th would make 50.
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchTokens = 40 });
        var texts = Enumerable.Range(0, 8).Select(i => Rig.Text(8, i)).ToArray();

        var answers = await Task.WhenAll(texts.Select(t => rig.Submit(t))).WaitAsync(Rig.Guard);

        Assert.Equal([4, 4], rig.Model.Batches.Select(b => b.Size));
        Assert.All(rig.Model.Batches, b => Assert.True(b.PaddedTokens <= 40));
        for (var i = 0; i < texts.Length; i++)
        {
            rig.AssertAnswer(texts[i], answers[i]);
        }
    }

    [Fact]
    public async Task Budget_stops_a_batch_at_a_long_input_and_an_over_budget_input_goes_alone()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchTokens = 40 });
        var shortTexts = Enumerable.Range(0, 3).Select(i => Rig.Text(2, i)).ToArray(); // 4 tokens each
        var longText = Rig.Text(58, 99); // 60 tokens: over budget on its own

        var tasks = shortTexts.Append(longText).Select(t => rig.Submit(t)).ToArray();

        // The long input cannot join the short ones (60 x 4 > 40), so the short ones go at once, then it goes alone.
        var answers = await Task.WhenAll(tasks).WaitAsync(Rig.Guard);
        Assert.Equal([[4, 4, 4], [60]], rig.Model.Batches.Select(b => b.TokenCounts.ToArray()).OrderBy(c => c[0]));
        rig.AssertAnswer(longText, answers[3]);
    }
}
