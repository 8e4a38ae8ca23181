namespace Embeddings.Core.Models;

/// <summary>Small vector helpers shared by the engine and the models.</summary>
public static class VectorMath
{
    /// <summary>Scales <paramref name="vector"/> in place to unit L2 norm; a zero vector stays zero.</summary>
    public static void L2Normalize(Span<float> vector)
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
