using System.ComponentModel.DataAnnotations;

namespace Embeddings.Api;

/// <summary>API limits and access, bound from the <c>Embeddings</c> section.</summary>
public sealed class ApiOptions
{
    public const string Section = "Embeddings";

    /// <summary>Bearer key that PUT /models/{model}/batching requires. Unset: live tuning over HTTP is refused.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Bearer keys that the embedding routes (<c>/embed/*</c>, <c>/v1/*</c>) require, any one of them; none
    /// configured leaves them open. /health, /alive and /metrics stay open either way.</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Most inputs in one request; more get 413.</summary>
    [Range(1, 100_000)]
    public int MaxClientBatch { get; set; } = 256;

    /// <summary>Longest input in characters; longer ones get 413 (an input is cut to the model's token limit anyway, so
    /// this only stops a huge string from costing tokenizing time).</summary>
    [Range(1, 10_000_000)]
    public int MaxInputChars { get; set; } = 65_536;

    /// <summary>Largest request body in bytes; more get 413.</summary>
    [Range(1024, 1L << 30)]
    public long MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Most vectors the cache's in-process level keeps (about 1.5 KB each at 384 dimensions); 0 turns the
    /// cache off.</summary>
    [Range(0, 10_000_000)]
    public int CacheEntries { get; set; } = 100_000;

    /// <summary>How long a cached vector lives, in Redis and in process. Redis then evicts it by itself.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromDays(1);

    [Microsoft.Extensions.Options.ValidateObjectMembers]
    public CacheOptions Cache { get; set; } = new();
}

/// <summary>The result cache, bound from <c>Embeddings:Cache</c>.</summary>
public sealed class CacheOptions
{
    /// <summary>False turns the cache off (benchmarks measure inference); identical inputs in flight still share one computation.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A Redis read slower than this is a miss, so a slow Redis costs a request little.</summary>
    [Range(1, 10_000)]
    public int RedisReadTimeoutMs { get; set; } = 50;
}
