using Embeddings.Core.Batching.Latency;

namespace Embeddings.Core.Tests.Batching.Latency;

/// <summary>The cost line learnt from batches' padded tokens and times.</summary>
public sealed class BatchCostModelTests
{
    [Fact]
    public void A_time_that_grows_with_the_tokens_gives_its_fixed_part_and_its_part_per_token()
    {
        var model = new BatchCostModel();
        foreach (var (tokens, inputs) in new[] { (100, 10), (200, 20), (400, 40) })
        {
            model.Record(tokens, 0.010 + (0.0005 * tokens), inputs);
        }

        var line = model.Line!;
        Assert.Equal(0.010, line.Fixed, 9);
        Assert.Equal(0.0005, line.PerToken, 9);
        Assert.Equal(10, line.TokensPerInput, 9);
    }

    [Fact]
    public void A_time_that_does_not_grow_with_the_tokens_is_all_fixed()
    {
        var model = new BatchCostModel();
        foreach (var tokens in new[] { 5, 9, 13, 7 })
        {
            model.Record(tokens, 0.020, 1);
        }

        Assert.Equal((0.020, 0.0), (Math.Round(model.Line!.Fixed, 9), Math.Round(model.Line.PerToken, 9)));
    }

    [Fact]
    public void One_size_alone_is_all_per_token_and_nothing_before_any_batch()
    {
        var model = new BatchCostModel();
        Assert.Null(model.Line);

        model.Record(50, 0.025, 5);

        Assert.Equal((0.0, 0.0005), (model.Line!.Fixed, model.Line.PerToken));
        Assert.Equal(0.025 * 4, model.Line.Seconds(20), 9); // four times the inputs, four times the time: the safe guess
    }
}
