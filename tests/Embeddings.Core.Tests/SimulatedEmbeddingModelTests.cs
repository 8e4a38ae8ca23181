using Embeddings.Core.Models;
using Embeddings.Testing;

namespace Embeddings.Core.Tests;

public class SimulatedEmbeddingModelTests
{
    [Fact]
    public void Tokenizes_words_between_cls_and_sep_and_truncates_on_request()
    {
        using var model = new SimulatedEmbeddingModel(new SimulatedModelOptions { MaxTokens = 5 });

        var tokens = model.Tokenize("the  quick\tfox", truncate: false);
        Assert.Equal(5, tokens.Count);
        Assert.Equal(SimulatedEmbeddingModel.ClsId, tokens.Ids[0]);
        Assert.Equal(SimulatedEmbeddingModel.SepId, tokens.Ids[^1]);
        Assert.False(tokens.Truncated);

        var cut = model.Tokenize("one two three four five", truncate: true);
        Assert.Equal(5, cut.Count);
        Assert.True(cut.Truncated);
        Assert.Throws<InputTooLongException>(() => model.Tokenize("one two three four five", truncate: false));
        Assert.Throws<InvalidInputException>(() => model.Tokenize(" ", truncate: true));
    }

    [Fact]
    public void Vectors_depend_only_on_token_ids()
    {
        using var model = new SimulatedEmbeddingModel();
        var a = model.Tokenize("alpha beta", true);
        var b = model.Tokenize("beta alpha", true);

        var vectors = model.Embed([a, b, a]);

        Assert.Equal(vectors[0], vectors[2]);
        Assert.NotEqual(vectors[0], vectors[1]);
        Assert.Equal(SimulatedEmbeddingModel.VectorFor(a.Ids, 32), vectors[0]);
        Assert.All(vectors[0], x => Assert.InRange(x, -1f, 1f));
        var batch = Assert.Single(model.Batches);
        Assert.Equal([4, 4, 4], batch.TokenCounts);
    }

    [Fact]
    public void Fails_the_batches_it_is_told_to()
    {
        using var model = new SimulatedEmbeddingModel();
        var input = model.Tokenize("x", true);
        model.FailNextBatches(1);

        Assert.Throws<InvalidOperationException>(() => model.Embed([input]));
        Assert.Single(model.Embed([input]));
        Assert.Equal([true, false], model.Batches.Select(b => b.Failed));
    }
}
