using Embeddings.Api.Cache;
using Embeddings.Api.Config;
using Embeddings.Api.Contracts;
using Embeddings.Api.Embedding;
using Embeddings.Api.Metrics;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Microsoft.Extensions.Options;

namespace Embeddings.Api;

public static class EmbeddingsServiceExtensions
{
    /// <summary>The engine, the models, the request path, cache, config store, metrics and problem answers.</summary>
    public static IHostApplicationBuilder AddEmbeddings(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmbeddingsOptions>().BindConfiguration(EmbeddingsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmbeddingsOptions>, EmbeddingsOptionsValidator>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => ModelCatalog.Load(
            sp.GetRequiredService<IOptions<EmbeddingsOptions>>().Value, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<BatchProcessor>();
        services.AddHostedService<BatchProcessorLifetime>();

        services.AddSingleton<EmbeddingsMetrics>();
        services.AddHostedService<EngineMetricsBridge>();

        // Redis-backed config and cache replace these when Redis is configured (a later step); until then
        // both are real, in-process implementations.
        builder.AddOptionalRedis("redis");
        services.AddSingleton<IEmbeddingCache, InMemoryEmbeddingCache>();
        services.AddSingleton<IBatchingConfigStore, InMemoryBatchingConfigStore>();

        services.AddSingleton<RequestBodyReader>();
        services.AddSingleton<SharedComputations>();
        services.AddSingleton<EmbeddingService>();

        services.AddProblemDetails();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));

        return builder;
    }

    /// <summary>Problem answers for unmatched routes and unexpected failures (a 500 is a bug; it is logged).</summary>
    public static WebApplication UseEmbeddingsErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
