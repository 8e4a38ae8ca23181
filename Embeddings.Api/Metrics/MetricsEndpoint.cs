using System.Diagnostics.Metrics;
using Embeddings.Core.Batching;
using Prometheus;

namespace Embeddings.Api.Metrics;

public static class MetricsEndpoint
{
    /// <summary>
    /// Serves this app's <see cref="EmbeddingsMeter.Name"/> instruments as Prometheus text on <c>/metrics</c>, through
    /// prometheus-net's meter adapter: each instrument becomes <c>embeddings_{instrument}</c> with its own buckets. Only
    /// this app's meters are read (their scope is its meter factory), so test hosts in one process never share series.
    /// </summary>
    public static IServiceCollection AddPrometheusExport(this IServiceCollection services) =>
        services.AddSingleton(sp =>
        {
            var meterFactory = sp.GetRequiredService<IMeterFactory>();
            var registry = Prometheus.Metrics.NewCustomRegistry();
            var adapter = MeterAdapter.StartListening(new MeterAdapterOptions
            {
                Registry = registry,
                MetricFactory = Prometheus.Metrics.WithCustomRegistry(registry), // its default is the global registry's factory
                InstrumentFilterPredicate = i => i.Meter.Name == EmbeddingsMeter.Name && ReferenceEquals(i.Meter.Scope, meterFactory),
                ResolveHistogramBuckets = i => EmbeddingsMeter.BucketsOf(i) ?? MeterAdapterOptions.DefaultHistogramBuckets,
                MetricsExpireAfter = TimeSpan.FromDays(1), // the adapter's longest: a series idle for a day is unpublished
            });
            return new PrometheusExport(registry, adapter);
        });

    public static IEndpointRouteBuilder MapEmbeddingsMetrics(this WebApplication app)
    {
        var export = app.Services.GetRequiredService<PrometheusExport>();
        app.MapMetrics("/metrics", export.Registry).WithTags("Operations").ExcludeFromDescription();
        return app;
    }
}

/// <summary>This app's Prometheus registry, fed by the meter adapter (stopped with the app).</summary>
public sealed class PrometheusExport(CollectorRegistry registry, IDisposable adapter) : IDisposable
{
    public CollectorRegistry Registry { get; } = registry;

    public void Dispose() => adapter.Dispose();
}
