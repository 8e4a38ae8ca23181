using System.Numerics.Tensors;

namespace Embeddings.Core.Models;

/// <summary>Small vector helpers shared by the engine, the models and their tests.</summary>
public static class VectorMath
{
    /// <summary>Scales <paramref name="vector"/> in place to unit L2 norm; a zero vector stays zero.</summary>
    public static void L2Normalize(Span<float> vector)
    {
        var norm = Norm(vector);
        if (norm > 0f)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }

    /// <summary>Returns a unit-length copy of <paramref name="vector"/>.</summary>
    public static float[] Normalized(ReadOnlySpan<float> vector)
    {
        var copy = vector.ToArray();
        L2Normalize(copy);
        return copy;
    }

    public static float Norm(ReadOnlySpan<float> vector) => TensorPrimitives.Norm(vector);

    /// <summary>Cosine similarity of two vectors of the same length.</summary>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.CosineSimilarity(a, b);
}
