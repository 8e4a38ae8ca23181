using System.Numerics.Tensors;
using Embeddings.Core.Models;

namespace Embeddings.Core.Onnx;

/// <summary>Turns a batch's token states <c>[batch, seq, dims]</c> into one vector per input, over its real
/// tokens only, so padding never changes a vector.</summary>
internal static class Pooling
{
    public static float[] Pool(PoolingMode mode, ReadOnlySpan<float> hidden, int item, int sequenceLength, int tokens, int dimensions)
    {
        var itemStates = hidden.Slice(item * sequenceLength * dimensions, sequenceLength * dimensions);
        var vector = new float[dimensions];
        switch (mode)
        {
            case PoolingMode.Cls:
                itemStates[..dimensions].CopyTo(vector);
                break;
            case PoolingMode.Mean:
                for (var t = 0; t < tokens; t++)
                {
                    TensorPrimitives.Add(vector, itemStates.Slice(t * dimensions, dimensions), vector);
                }

                TensorPrimitives.Divide(vector, Math.Max(tokens, 1), vector);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown pooling mode.");
        }

        return vector;
    }
}
