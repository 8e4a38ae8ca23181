using Embeddings.Api.Metrics;
using Prometheus;

namespace Embeddings.Api.Apis;

/// <summary><c>GET /metrics</c>: this replica's metrics as Prometheus text (see <see cref="PrometheusExportExtensions.AddPrometheusExport"/>).</summary>
public static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetricsApi(this WebApplication app)
    {
        RedisGauge.Create(app.Services);
        var export = app.Services.GetRequiredService<PrometheusExport>();
        app.MapMetrics("/metrics", export.Registry).WithTags("Operations").ExcludeFromDescription();
        return app;
    }
}
