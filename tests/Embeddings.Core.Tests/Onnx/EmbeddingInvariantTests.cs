using Embeddings.Core.Models;

namespace Embeddings.Core.Tests.Onnx;

[Collection(OnnxModelsCollection.Name)]
public sealed class EmbeddingInvariantTests(OnnxModelsFixture fixture)
{
    [Theory]
    [InlineData(BuiltInModels.MiniLmId)]
    [InlineData(BuiltInModels.ArcticXsId)]
    public void Vector_is_the_same_alone_and_inside_a_padded_mixed_batch_of_32(string id)
    {
        var model = fixture.Model(id);
        var inputs = Texts.Mixed.Select(t => model.Tokenize(t, truncate: true)).ToList();
        Assert.Equal(32, inputs.Count);
        Assert.True(inputs.Max(i => i.Count) > 4 * inputs.Min(i => i.Count), "the batch should mix short and long inputs");

        var batched = model.Embed(inputs);

        Assert.Equal(inputs.Count, batched.Length);
        for (var i = 0; i < inputs.Count; i++)
        {
            var alone = Assert.Single(model.Embed([inputs[i]]));
            var cosine = VectorMath.Cosine(alone, batched[i]);
            Assert.True(cosine >= 0.9999f, $"item {i} ('{Texts.Mixed[i]}'): cosine {cosine} alone vs batched");
        }
    }

    [Theory]
    [InlineData(BuiltInModels.MiniLmId)]
    [InlineData(BuiltInModels.ArcticXsId)]
    public void Concurrent_embeds_give_the_same_vectors_as_one_at_a_time(string id)
    {
        var model = fixture.Model(id);
        var inputs = Texts.Mixed.Select(t => model.Tokenize(t, truncate: true)).ToList();
        var batches = inputs.Chunk(8).Select(c => (IReadOnlyList<TokenizedInput>)c).ToList();
        var serial = batches.Select(b => model.Embed(b)).ToList();

        var concurrent = new float[batches.Count][][];
        Parallel.For(0, batches.Count * 2, new ParallelOptions { MaxDegreeOfParallelism = 3 }, n =>
        {
            var b = n % batches.Count;
            concurrent[b] = model.Embed(batches[b]);
        });

        for (var b = 0; b < batches.Count; b++)
        {
            for (var i = 0; i < serial[b].Length; i++)
            {
                Assert.True(VectorMath.Cosine(serial[b][i], concurrent[b][i]) >= 0.9999f);
            }
        }
    }

    [Theory]
    [InlineData(BuiltInModels.MiniLmId)]
    [InlineData(BuiltInModels.ArcticXsId)]
    public void Embed_returns_pooled_vectors_that_normalise_to_unit_length(string id)
    {
        var model = fixture.Model(id);
        var vectors = model.Embed(Texts.Mixed.Take(8).Select(t => model.Tokenize(t, truncate: true)).ToList());

        foreach (var vector in vectors)
        {
            Assert.Equal(384, vector.Length);
            Assert.All(vector, v => Assert.True(float.IsFinite(v)));
            Assert.NotEqual(1f, VectorMath.Norm(vector), 3); // pooled, not normalised
            Assert.Equal(1f, VectorMath.Norm(VectorMath.Normalized(vector)), 1e-5f);
        }
    }

    [Theory]
    [InlineData(BuiltInModels.MiniLmId)]
    [InlineData(BuiltInModels.ArcticXsId)]
    public void A_paraphrase_scores_clearly_above_an_unrelated_sentence(string id)
    {
        var model = fixture.Model(id);
        var v = model.Embed(new[]
        {
            "A man is playing a guitar.",
            "Someone is strumming a guitar.",
            "The central bank raised interest rates again.",
        }.Select(t => model.Tokenize(t, truncate: true)).ToList());

        var paraphrase = VectorMath.Cosine(v[0], v[1]);
        var unrelated = VectorMath.Cosine(v[0], v[2]);

        // arctic-embed-xs puts unrelated English sentences near 0.7; MiniLM near 0.
        Assert.True(paraphrase > unrelated + 0.1f, $"paraphrase {paraphrase}, unrelated {unrelated}");
    }

    [Theory]
    [InlineData(BuiltInModels.MiniLmId)]
    [InlineData(BuiltInModels.ArcticXsId)]
    public void Non_ascii_emoji_and_cjk_inputs_embed(string id)
    {
        var model = fixture.Model(id);
        string[] texts = ["Café déjà vu — naïve façade", "😀🎉🚀", "東京は日本の首都です。", "Привет, мир!", "مرحبا بالعالم", "e\u0301\u200b mixed ✓"];

        var vectors = model.Embed(texts.Select(t => model.Tokenize(t, truncate: true)).ToList());

        Assert.Equal(texts.Length, vectors.Length);
        Assert.All(vectors, v => Assert.True(VectorMath.Norm(v) > 0f && v.All(float.IsFinite)));
    }

    [Theory]
    [InlineData(BuiltInModels.MiniLmId, 256)]
    [InlineData(BuiltInModels.ArcticXsId, 512)]
    public void A_full_length_input_embeds(string id, int maxTokens)
    {
        var model = fixture.Model(id);
        var input = model.Tokenize(string.Join(' ', Enumerable.Repeat(Texts.Paragraph, 10)), truncate: true);
        Assert.Equal(maxTokens, input.Count);

        var vectors = model.Embed([input, model.Tokenize("short", truncate: true)]);

        Assert.All(vectors, v => Assert.True(VectorMath.Norm(v) > 0f));
    }

    [Fact]
    public void Descriptors_describe_the_built_in_models()
    {
        var minilm = fixture.Model(BuiltInModels.MiniLmId).Descriptor;
        var arctic = fixture.Model(BuiltInModels.ArcticXsId).Descriptor;

        Assert.Equal((384, 256, PoolingMode.Mean, true, "cpu"), (minilm.Dimensions, minilm.MaxTokens, minilm.Pooling, minilm.Normalize, minilm.ExecutionProvider));
        Assert.Equal((384, 512, PoolingMode.Cls, true, "cpu"), (arctic.Dimensions, arctic.MaxTokens, arctic.Pooling, arctic.Normalize, arctic.ExecutionProvider));
        Assert.Equal(BuiltInModels.MiniLm.ModelSha256[..12], minilm.Revision);
        Assert.Equal(BuiltInModels.ArcticXs.ModelSha256[..12], arctic.Revision);
        Assert.Equal("Represent this sentence for searching relevant passages: ", arctic.Prompts["query"]);
        Assert.Empty(minilm.Prompts);
    }
}
