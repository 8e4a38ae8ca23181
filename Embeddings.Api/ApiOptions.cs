using System.ComponentModel.DataAnnotations;

namespace Embeddings.Api;

/// <summary>API limits and access, bound from the <c>Embeddings</c> section.</summary>
public sealed class ApiOptions
{
    public const string Section = "Embeddings";

    /// <summary>Bearer key that PUT /models/{model}/batching requires. Unset: live tuning over HTTP is refused.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Most inputs in one request; more get 413.</summary>
    [Range(1, 100_000)]
    public int MaxClientBatch { get; set; } = 256;

    /// <summary>Largest request body in bytes; more get 413.</summary>
    [Range(1024, 1L << 30)]
    public long MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Most vectors the in-memory cache keeps (0 turns it off).</summary>
    [Range(0, 10_000_000)]
    public int CacheEntries { get; set; } = 100_000;
}
