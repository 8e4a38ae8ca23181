using System.Collections.Concurrent;

namespace Embeddings.Core.Onnx;

/// <summary>
/// The input and output arrays of one run. Runs rent a set from <see cref="InferenceBufferPool"/> and give
/// it back, so steady traffic allocates nothing per batch; each set serves one run at a time.
/// </summary>
internal sealed class InferenceBuffers
{
    public long[] InputIds { get; private set; } = [];
    public long[] AttentionMask { get; private set; } = [];
    public long[] TokenTypeIds { get; private set; } = [];
    public float[] Output { get; private set; } = [];

    public long Bytes => (InputIds.LongLength * 3 * sizeof(long)) + (Output.LongLength * sizeof(float));

    /// <summary>Grows the arrays to hold <paramref name="tokens"/> positions and <paramref name="outputs"/> floats.</summary>
    public void EnsureCapacity(int tokens, int outputs)
    {
        if (InputIds.Length < tokens)
        {
            InputIds = new long[tokens];
            AttentionMask = new long[tokens];
            TokenTypeIds = new long[tokens];
        }

        if (Output.Length < outputs)
        {
            Output = new float[outputs];
        }
    }
}

/// <summary>A bag of <see cref="InferenceBuffers"/>: as many sets as runs were ever in flight at once.
/// Sets that grew past <see cref="MaxPooledBytes"/> (one outsized batch) are dropped instead of kept.</summary>
internal sealed class InferenceBufferPool
{
    public const long MaxPooledBytes = 256L * 1024 * 1024;

    private readonly ConcurrentBag<InferenceBuffers> _free = [];

    public InferenceBuffers Rent() => _free.TryTake(out var buffers) ? buffers : new InferenceBuffers();

    public void Return(InferenceBuffers buffers)
    {
        if (buffers.Bytes <= MaxPooledBytes)
        {
            _free.Add(buffers);
        }
    }
}
