namespace Embeddings.Api.Cache;

/// <summary>A cached vector and the token count it cost.</summary>
public sealed record CachedEmbedding(float[] Vector, int TokenCount);

/// <summary>
/// Results per input, keyed by model, revision, options and the text's SHA-256 (see <see cref="CacheKey"/>).
/// Implementations never throw for a backend outage: a lookup that fails is a miss.
/// </summary>
public interface IEmbeddingCache
{
    ValueTask<CachedEmbedding?[]> GetManyAsync(IReadOnlyList<string> keys, CancellationToken ct);

    ValueTask SetManyAsync(IReadOnlyList<KeyValuePair<string, CachedEmbedding>> entries, CancellationToken ct);
}
