using Prometheus;

namespace Embeddings.Api.Metrics;

public static class MetricsEndpoint
{
    /// <summary>Serves this app's Prometheus registry as text on <c>/metrics</c>.</summary>
    public static IEndpointRouteBuilder MapEmbeddingsMetrics(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<EmbeddingsMetrics>();
        app.MapMetrics("/metrics", metrics.Registry).WithTags("Operations").ExcludeFromDescription();
        return app;
    }
}
