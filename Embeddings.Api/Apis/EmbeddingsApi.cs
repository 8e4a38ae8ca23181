using Embeddings.Api.Metrics;

namespace Embeddings.Api.Apis;

public static class EmbeddingsApi
{
    /// <summary>Every route of the service: embeddings, OpenAI compatibility, models and metrics.</summary>
    public static WebApplication MapEmbeddingsApi(this WebApplication app)
    {
        app.MapEmbedApi();
        app.MapOpenAiApi();
        app.MapModelsApi();
        app.MapStatsApi();
        app.MapPrometheusTargets();
        app.MapMetricsApi();
        app.MapOpenApi();
        return app;
    }
}
