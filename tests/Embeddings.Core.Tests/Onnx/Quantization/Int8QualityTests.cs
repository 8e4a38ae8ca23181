using Embeddings.Core.Models;
using Embeddings.Core.Onnx.Quantization;
using Embeddings.Core.Onnx.Quantization.Calibration;
using Embeddings.Testing;

namespace Embeddings.Core.Tests.Onnx.Quantization;

/// <summary>The quality gate of the built-in models' int8 graphs, as built at first start: close to fp32 on text the
/// calibration never saw, the reference similarities kept, and the figures shown for the model.</summary>
[Collection(Int8ModelsCollection.Name)]
public sealed class Int8QualityTests(Int8ModelsFixture fixture)
{
    [Theory]
    [InlineData(BuiltInModels.MiniLmId)]
    [InlineData(BuiltInModels.ArcticXsId)]
    public void Int8_vectors_stay_close_to_fp32_on_held_out_text(string id)
    {
        var fp32 = fixture.Fp32.Get(id).Model;
        var inputs = HeldOutText.Sentences.Select(t => fp32.Tokenize(t, truncate: true)).ToList();
        Assert.True(inputs.Min(i => i.Count) <= 4 && inputs.Max(i => i.Count) >= 150, "held-out text should run from a word to long paragraphs");

        var quality = QualityProbe.Compare(fp32, fixture.Int8.Get(id).Model, inputs);

        Assert.True(quality.MeanCosine >= Int8ModelStore.MeanCosineTarget && quality.MinCosine >= Int8ModelStore.MinCosineTarget,
            $"{id} int8 over {quality.Sentences} held-out texts: mean cosine {quality.MeanCosine:0.0000}, min {quality.MinCosine:0.0000}");
    }

    [Fact]
    public void Int8_minilm_keeps_the_reference_similarities_within_0_01()
    {
        // The sentence-transformers reference for all-MiniLM-L6-v2: 0.6660, 0.1046 and 0.1411.
        string[] sentences = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."];
        double[] reference = [0.6660, 0.1046, 0.1411];

        var fp32 = Similarities(fixture.Fp32.Get(BuiltInModels.MiniLmId).Model, sentences);
        var int8 = Similarities(fixture.Int8.Get(BuiltInModels.MiniLmId).Model, sentences);

        Assert.Equal(reference, fp32, new Tolerance(0.0005));
        Assert.Equal(reference, int8, new Tolerance(0.01));
    }

    [Theory]
    [InlineData(BuiltInModels.MiniLmId)]
    [InlineData(BuiltInModels.ArcticXsId)]
    public void The_model_shows_int8_with_the_quality_measured_on_the_calibration_set(string id)
    {
        var descriptor = fixture.Int8.Get(id).Model.Descriptor;

        Assert.Equal(Precisions.Int8, descriptor.Precision);
        Assert.Equal(fixture.Fp32.Get(id).Model.Descriptor.Revision, descriptor.Revision);
        var quality = Assert.IsType<Embeddings.Contracts.PrecisionQuality>(descriptor.Quality);
        Assert.Equal(CalibrationSet.Sentences.Count, quality.Sentences);
        Assert.InRange(quality.MeanCosine, Int8ModelStore.MeanCosineTarget, 1.0);
        Assert.InRange(quality.MinCosine, Int8ModelStore.MinCosineTarget, quality.MeanCosine);
        Assert.Null(fixture.Fp32.Get(id).Model.Descriptor.Quality);
    }

    [Theory]
    [InlineData(BuiltInModels.MiniLmId)]
    [InlineData(BuiltInModels.ArcticXsId)]
    public void An_int8_vector_alone_and_inside_a_padded_batch_differ_only_by_the_batch_wide_activation_scale(string id)
    {
        // ONNX Runtime quantizes each MatMul's input with one scale for the whole batch, so batch-mates move a vector a
        // little (fp32 holds 0.9999 here); the bound says how little: a two-token input (OK) among paragraphs
        // moves most, to about 0.988 for all-MiniLM-L6-v2.
        var model = fixture.Int8.Get(id).Model;
        var inputs = Texts.Mixed.Select(t => model.Tokenize(t, truncate: true)).ToList();

        var batched = model.Embed(inputs);

        for (var i = 0; i < inputs.Count; i++)
        {
            var cosine = VectorMath.Cosine(Assert.Single(model.Embed([inputs[i]])), batched[i]);
            Assert.True(cosine >= 0.98f, $"item {i} ('{Texts.Mixed[i]}'): cosine {cosine} alone vs batched");
        }
    }

    private static double[] Similarities(IEmbeddingModel model, string[] sentences)
    {
        var v = model.Embed(sentences.Select(s => model.Tokenize(s, truncate: true)).ToList());
        return [VectorMath.Cosine(v[0], v[1]), VectorMath.Cosine(v[0], v[2]), VectorMath.Cosine(v[1], v[2])];
    }

    private sealed class Tolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
