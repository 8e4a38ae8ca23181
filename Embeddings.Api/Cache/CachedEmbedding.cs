using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Caching.Hybrid;

namespace Embeddings.Api.Cache;

/// <summary>A cached vector and the token count it cost.</summary>
public sealed record CachedEmbedding(float[] Vector, int TokenCount);

/// <summary>A compact binary form for the cache: the token count, then the vector as little-endian float32
/// (1540 bytes for 384 dimensions, against about 4 KB of JSON).</summary>
public sealed class CachedEmbeddingSerializer : IHybridCacheSerializer<CachedEmbedding>
{
    public CachedEmbedding Deserialize(ReadOnlySequence<byte> source)
    {
        var bytes = source.IsSingleSegment ? source.FirstSpan : source.ToArray();
        var tokens = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var vector = new float[(bytes.Length - sizeof(int)) / sizeof(float)];
        bytes[sizeof(int)..].CopyTo(MemoryMarshal.AsBytes(vector.AsSpan()));
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(vector.AsSpan()), MemoryMarshal.Cast<float, int>(vector.AsSpan()));
        }

        return new CachedEmbedding(vector, tokens);
    }

    public void Serialize(CachedEmbedding value, IBufferWriter<byte> target)
    {
        var size = sizeof(int) + (value.Vector.Length * sizeof(float));
        var span = target.GetSpan(size)[..size];
        BinaryPrimitives.WriteInt32LittleEndian(span, value.TokenCount);
        var floats = span[sizeof(int)..];
        MemoryMarshal.AsBytes(value.Vector.AsSpan()).CopyTo(floats);
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(floats), MemoryMarshal.Cast<byte, int>(floats));
        }

        target.Advance(size);
    }
}
