using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Prometheus;

namespace Embeddings.Api.Metrics;

/// <summary>
/// Serves this app's counters (<see cref="ObservableCounter{T}"/> of long, or of double for times) as Prometheus counters. prometheus-net's
/// meter adapter types every .NET counter as a gauge, since it cannot know that one is never re-created and reset; ours
/// are observed totals that only go up, so this listener reads them at each scrape and moves each series up to the
/// total (<c>IncTo</c>): same name (<c>embeddings_{instrument}</c>), help and labels as the adapter would give.
/// </summary>
public sealed class PrometheusCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly IMetricFactory _factory;
    private readonly ConcurrentDictionary<Instrument, Counter> _counters = new();

    public PrometheusCounters(CollectorRegistry registry, Func<Instrument, bool> ours)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ours(instrument) && Handles(instrument))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, total, tags, state) => Observed(instrument, total, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, total, tags, state) => Observed(instrument, total, tags));
        _listener.Start();
        registry.AddBeforeCollectCallback(_listener.RecordObservableInstruments);
    }

    /// <summary>The instruments served here, and left out of the meter adapter.</summary>
    public static bool Handles(Instrument instrument) => instrument is ObservableCounter<long> or ObservableCounter<double>;

    public void Dispose() => _listener.Dispose();

    private void Observed(Instrument instrument, double total, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Labels in name order, as the meter adapter orders them: a tag list's order is not part of its identity.
        var labels = tags.ToArray();
        Array.Sort(labels, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var counter = _counters.GetOrAdd(instrument, i => _factory.CreateCounter(
            $"{i.Meter.Name}_{i.Name}".ToLowerInvariant(),
            string.IsNullOrEmpty(i.Unit) ? i.Description ?? "" : $"({i.Unit}) {i.Description}",
            [.. labels.Select(l => l.Key)]));
        counter.WithLabels([.. labels.Select(l => Convert.ToString(l.Value, CultureInfo.InvariantCulture) ?? "")]).IncTo(total);
    }
}
