using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Embeddings.Api.Cache;

/// <summary>The cache when Redis is absent: this process only, bounded by <see cref="ApiOptions.CacheEntries"/>.</summary>
public sealed class InMemoryEmbeddingCache : IEmbeddingCache, IDisposable
{
    private readonly MemoryCache? _cache;

    public InMemoryEmbeddingCache(IOptions<ApiOptions> options)
    {
        var entries = options.Value.CacheEntries;
        _cache = entries > 0 ? new MemoryCache(new MemoryCacheOptions { SizeLimit = entries, CompactionPercentage = 0.1 }) : null;
    }

    public ValueTask<CachedEmbedding?[]> GetManyAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        var found = new CachedEmbedding?[keys.Count];
        if (_cache is not null)
        {
            for (var i = 0; i < keys.Count; i++)
            {
                found[i] = _cache.Get<CachedEmbedding>(keys[i]);
            }
        }

        return ValueTask.FromResult(found);
    }

    public ValueTask SetManyAsync(IReadOnlyList<KeyValuePair<string, CachedEmbedding>> entries, CancellationToken ct)
    {
        if (_cache is not null)
        {
            foreach (var (key, value) in entries)
            {
                _cache.Set(key, value, new MemoryCacheEntryOptions { Size = 1 });
            }
        }

        return ValueTask.CompletedTask;
    }

    public void Dispose() => _cache?.Dispose();
}
