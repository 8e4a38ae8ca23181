namespace Embeddings.Core;

/// <summary>Small vector helpers shared by the engine and its tests.</summary>
public static class VectorMath
{
    /// <summary>Scales <paramref name="vector"/> in place to unit L2 norm. A zero vector is left as it is.</summary>
    public static void Normalize(Span<float> vector)
    {
        var norm = Norm(vector);
        if (norm > 0f)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        }
    }

    /// <summary>Returns a unit-length copy of <paramref name="vector"/>.</summary>
    public static float[] Normalized(ReadOnlySpan<float> vector)
    {
        var copy = vector.ToArray();
        Normalize(copy);
        return copy;
    }

    public static float Norm(ReadOnlySpan<float> vector) =>
        System.Numerics.Tensors.TensorPrimitives.Norm(vector);

    /// <summary>Cosine similarity of two vectors of the same length.</summary>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);
}
