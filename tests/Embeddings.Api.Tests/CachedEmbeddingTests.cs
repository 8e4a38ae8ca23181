using Embeddings.Api.Cache;

namespace Embeddings.Api.Tests;

/// <summary>The binary form vectors take in Redis.</summary>
public sealed class CachedEmbeddingTests
{
    [Fact]
    public void A_vector_and_its_token_count_come_back_exactly_from_their_bytes()
    {
        var random = new Random(7);
        var vector = Enumerable.Range(0, 384).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        vector[0] = float.Epsilon;
        vector[1] = -0f;
        var cached = new CachedEmbedding(vector, TokenCount: 41);

        var bytes = cached.ToBytes();
        var back = CachedEmbedding.FromBytes(bytes);

        Assert.Equal(4 + (384 * 4), bytes.Length);
        Assert.NotNull(back);
        Assert.Equal(41, back.TokenCount);
        Assert.Equal(vector.Select(BitConverter.SingleToInt32Bits), back.Vector.Select(BitConverter.SingleToInt32Bits)); // bit for bit
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 0 })]
    [InlineData(new byte[] { 1, 0, 0, 0, 9 })] // a vector cut in the middle of a float
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 128, 63 })] // no tokens: nothing real costs none
    public void Bytes_that_are_not_a_cached_vector_read_as_a_miss(byte[] bytes) => Assert.Null(CachedEmbedding.FromBytes(bytes));
}
