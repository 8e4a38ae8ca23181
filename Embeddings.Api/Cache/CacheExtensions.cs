using Embeddings.Api.Redis;

namespace Embeddings.Api.Cache;

public static class CacheExtensions
{
    /// <summary>The result cache (<see cref="EmbeddingCache"/>: this process's memory, then Redis when it is configured) and
    /// the computations identical inputs share while they run.</summary>
    public static IServiceCollection AddEmbeddingsCache(this IServiceCollection services)
    {
        services.AddSingleton(sp => new EmbeddingCache(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiOptions>>(), sp.GetService<RedisGuard>()));
        services.AddSingleton<Embedding.SharedComputations>();
        return services;
    }
}
