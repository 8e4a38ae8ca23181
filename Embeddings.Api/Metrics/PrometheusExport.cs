using System.Diagnostics.Metrics;
using Embeddings.Core.Batching;
using Prometheus;

namespace Embeddings.Api.Metrics;

public static class PrometheusExportExtensions
{
    /// <summary>
    /// Serves this app's <see cref="EmbeddingsMeter.Name"/> instruments as Prometheus text on <c>/metrics</c>, each as
    /// <c>embeddings_{instrument}</c>: counters through <see cref="PrometheusCounters"/> (typed <c>counter</c>), gauges
    /// and histograms (with their own buckets) through prometheus-net's meter adapter. Only this app's meters are read
    /// (their scope is its meter factory), so test hosts in one process never share series.
    /// </summary>
    public static IServiceCollection AddPrometheusExport(this IServiceCollection services) =>
        services.AddSingleton(sp =>
        {
            var meterFactory = sp.GetRequiredService<IMeterFactory>();
            bool Ours(Instrument i) => i.Meter.Name == EmbeddingsMeter.Name && ReferenceEquals(i.Meter.Scope, meterFactory);
            var registry = Prometheus.Metrics.NewCustomRegistry();
            var counters = new PrometheusCounters(registry, Ours);
            var adapter = MeterAdapter.StartListening(new MeterAdapterOptions
            {
                Registry = registry,
                MetricFactory = Prometheus.Metrics.WithCustomRegistry(registry), // its default is the global registry's factory
                InstrumentFilterPredicate = i => Ours(i) && !PrometheusCounters.Handles(i),
                ResolveHistogramBuckets = i => EmbeddingsMeter.BucketsOf(i) ?? MeterAdapterOptions.DefaultHistogramBuckets,
                MetricsExpireAfter = TimeSpan.FromDays(1), // the adapter's longest: a series idle for a day is unpublished
            });
            return new PrometheusExport(registry, counters, adapter);
        });

}

/// <summary>This app's Prometheus registry, fed by its counters' listener and the meter adapter (stopped with the app).</summary>
public sealed class PrometheusExport(CollectorRegistry registry, params IDisposable[] listeners) : IDisposable
{
    public CollectorRegistry Registry { get; } = registry;

    public void Dispose()
    {
        foreach (var listener in listeners)
        {
            listener.Dispose();
        }
    }
}
