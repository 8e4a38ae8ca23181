using System.Diagnostics.Metrics;

namespace Embeddings.Core.Batching;

/// <summary>
/// The one definition of every metric: instruments on the meter <see cref="Name"/>, which OpenTelemetry exports and
/// /metrics serves as <c>embeddings_{instrument}</c>. Histogram buckets travel with each histogram as its advice, so
/// every exporter uses the same ones. Counters are observable counters over counts the app keeps anyway (so every known
/// series exists from start, at 0); /metrics types them <c>counter</c>. Instruments about a model carry the tag
/// <c>model</c>.
/// </summary>
public static class EmbeddingsMeter
{
    public const string Name = "Embeddings";

    public const string ModelTag = "model";
    public const string ReasonTag = "reason";
    public const string ReasonQueueFull = "queue_full";
    public const string ReasonShuttingDown = "shutting_down";
    public const string ReasonOverTarget = "over_target";

    /// <summary>The tag that says which model a measurement is about.</summary>
    public static KeyValuePair<string, object?> Model(string model) => new(ModelTag, model);

    /// <summary>Seconds, from sub-millisecond cache hits to multi-second queues under overload.</summary>
    public static readonly double[] SecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    public static Histogram<double> Seconds(Meter meter, string name, string description)
    {
        ArgumentNullException.ThrowIfNull(meter);
        return meter.CreateHistogram(name, "s", description, tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
    }

    /// <summary>The buckets a histogram was created with, for exporters that need them spelled out.</summary>
    public static double[]? BucketsOf(Instrument instrument) => instrument switch
    {
        Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
        Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        _ => null,
    };
}
