using Embeddings.Contracts;
using Embeddings.Core.Models;

namespace Embeddings.Core.Onnx.Quantization;

/// <summary>Compares a candidate model's vectors with a reference's over the same inputs, run the way the server runs
/// them (length-sorted batches), and returns the mean and smallest cosine.</summary>
public static class QualityProbe
{
    public const int BatchSize = 8;

    public static PrecisionQuality Compare(IEmbeddingModel reference, IEmbeddingModel candidate, IReadOnlyList<TokenizedInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("no inputs to compare on.", nameof(inputs));
        }

        var cosines = Cosines(reference, candidate, inputs);
        return new PrecisionQuality(cosines.Average(), cosines.Min(), cosines.Length);
    }

    /// <summary>One cosine per input, in input order.</summary>
    public static double[] Cosines(IEmbeddingModel reference, IEmbeddingModel candidate, IReadOnlyList<TokenizedInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(inputs);
        var cosines = new double[inputs.Count];
        var order = Enumerable.Range(0, inputs.Count).OrderBy(i => inputs[i].Count).ToArray();
        foreach (var chunk in order.Chunk(BatchSize))
        {
            var batch = chunk.Select(i => inputs[i]).ToList();
            var expected = reference.Embed(batch);
            var actual = candidate.Embed(batch);
            for (var i = 0; i < chunk.Length; i++)
            {
                cosines[chunk[i]] = VectorMath.Cosine(expected[i], actual[i]);
            }
        }

        return cosines;
    }
}
