using Embeddings.Api.Cache;
using Embeddings.Api.Config;
using Embeddings.Api.Embedding;
using Embeddings.Api.Errors;
using Embeddings.Api.Hosting;
using Embeddings.Api.Metrics;
using Embeddings.Api.OpenApi;
using Embeddings.Api.Redis;
using Embeddings.Api.Requests;
using Embeddings.Api.Security;
using Embeddings.Api.Stats;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Embeddings.Api;

public static class EmbeddingsServiceExtensions
{
    /// <summary>The engine, the models, the request path, cache, config store, metrics, security and problem answers.</summary>
    public static IHostApplicationBuilder AddEmbeddings(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmbeddingsOptions>().BindConfiguration(EmbeddingsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmbeddingsOptions>, EmbeddingsOptionsValidator>();
        services.AddKestrelLimits();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => ModelCatalog.Load(
            sp.GetRequiredService<IOptions<EmbeddingsOptions>>().Value, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new BatchProcessor(
            sp.GetRequiredService<ModelRegistry>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<BatchProcessor>>(),
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<IOptions<EmbeddingsOptions>>().Value.InferenceSlots));
        services.AddGracefulShutdown();
        services.AddHealthChecks().AddCheck<EngineHealthCheck>("engine");

        services.AddSingleton<ApiMetrics>();
        services.AddPrometheusExport();

        // Redis, when configured, is shared by every replica: the source of the batching config, the cache's second
        // level, and where replicas leave their live stats. Without it each of these is this process's own.
        var redis = builder.AddOptionalRedis("redis");
        services.AddEmbeddingsCache();
        if (redis)
        {
            services.AddSingleton<RedisGuard>();
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded);
            services.AddHostedSingleton<IBatchingConfigStore, RedisBatchingConfigStore>();
            services.AddHostedSingleton<ILiveStatsStore, RedisLiveStatsStore>();
        }
        else
        {
            services.AddSingleton<IBatchingConfigStore, InMemoryBatchingConfigStore>();
            services.AddSingleton<ILiveStatsStore, LocalLiveStatsStore>();
        }

        services.AddSingleton<ReplicaIdentity>();
        services.AddSingleton<LiveStatsSampler>();
        services.AddHostedService<LiveStatsPublisher>();

        services.AddSingleton<RequestBodyReader>();
        services.AddSingleton<EmbeddingService>();

        services.AddEmbeddingsSecurity();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Routing refuses a body that is not JSON (the endpoints' Accepts metadata) before any handler runs.
            if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType)
            {
                context.ProblemDetails.Detail ??= "The body must be JSON (Content-Type: application/json).";
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddEmbeddingsOpenApi();
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
            // Bodies are read with ApiJsonContext's own options, where numbers in strings are refused; the OpenAPI
            // schemas come from these options, so they say the same (writing is the same either way).
            options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });

        return builder;
    }

    /// <summary>One instance serving as <typeparamref name="TService"/> and started and stopped with the app.</summary>
    private static void AddHostedSingleton<TService, TImplementation>(this IServiceCollection services)
        where TService : class
        where TImplementation : class, TService, IHostedService
    {
        services.AddSingleton<TImplementation>();
        services.AddSingleton<TService>(sp => sp.GetRequiredService<TImplementation>());
        services.AddHostedService(sp => sp.GetRequiredService<TImplementation>());
    }

    /// <summary>The request pipeline before the endpoints: Connection: close once stopping; one error path (problem
    /// answers, also for unmatched routes and refused content types); then authentication.</summary>
    public static WebApplication UseEmbeddings(this WebApplication app)
    {
        app.UseConnectionCloseWhenStopping();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
