using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Embeddings.Api.Cache;

/// <summary>A cached vector and the token count it cost.</summary>
public sealed record CachedEmbedding(float[] Vector, int TokenCount)
{
    /// <summary>The compact form kept in Redis: the token count, then the vector as little-endian float32 (1540 bytes
    /// for 384 dimensions, against about 4 KB of JSON).</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[sizeof(int) + (Vector.Length * sizeof(float))];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, TokenCount);
        var floats = bytes.AsSpan(sizeof(int));
        MemoryMarshal.AsBytes(Vector.AsSpan()).CopyTo(floats);
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(floats), MemoryMarshal.Cast<byte, int>(floats));
        }

        return bytes;
    }

    /// <summary>Reads <see cref="ToBytes"/>'s form back; null when <paramref name="bytes"/> is not that form (a miss).</summary>
    public static CachedEmbedding? FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < sizeof(int) || (bytes.Length - sizeof(int)) % sizeof(float) != 0)
        {
            return null;
        }

        var tokens = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var vector = new float[(bytes.Length - sizeof(int)) / sizeof(float)];
        bytes[sizeof(int)..].CopyTo(MemoryMarshal.AsBytes(vector.AsSpan()));
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(vector.AsSpan()), MemoryMarshal.Cast<float, int>(vector.AsSpan()));
        }

        return tokens > 0 ? new CachedEmbedding(vector, tokens) : null;
    }
}
