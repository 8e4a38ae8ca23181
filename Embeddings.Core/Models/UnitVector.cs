namespace Embeddings.Core.Models;

/// <summary>L2 normalisation for the batching engine and the simulated model. Internal on purpose: the ONNX
/// branch brings a public <c>Embeddings.Core.VectorMath</c>; after the merge this can defer to it.</summary>
internal static class UnitVector
{
    /// <summary>Scales <paramref name="vector"/> in place to unit L2 norm; a zero vector stays zero.</summary>
    public static void Normalize(Span<float> vector)
    {
        double sum = 0;
        foreach (var x in vector)
        {
            sum += (double)x * x;
        }

        if (sum <= 0)
        {
            return;
        }

        var scale = (float)(1.0 / Math.Sqrt(sum));
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] *= scale;
        }
    }
}
