using Prometheus;

namespace Embeddings.Api.Metrics;

/// <summary>
/// The Prometheus metrics served on /metrics, all prefixed <c>embeddings_</c> and labelled by model.
/// Each app instance owns its registry, so test hosts in one process never share counters.
/// </summary>
public sealed class EmbeddingsMetrics
{
    // Seconds: sub-millisecond cache hits up to multi-second queues under overload.
    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] BatchSizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256];
    private static readonly double[] BatchTokenBuckets = [16, 64, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];
    private static readonly double[] EfficiencyBuckets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1];

    public EmbeddingsMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);

        Requests = factory.CreateCounter("embeddings_requests_total", "Embedding requests answered, by model and HTTP status.", ["model", "status"]);
        RequestDuration = factory.CreateHistogram("embeddings_request_duration_seconds", "Time to answer an embedding request.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = DurationBuckets });
        QueueWait = factory.CreateHistogram("embeddings_queue_wait_seconds", "Time an input waited in its model's queue before its batch ran.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = DurationBuckets });
        InferenceDuration = factory.CreateHistogram("embeddings_inference_duration_seconds", "Time to run one batch through the model.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = DurationBuckets });
        BatchSize = factory.CreateHistogram("embeddings_batch_size", "Inputs per batch run.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = BatchSizeBuckets });
        BatchTokens = factory.CreateHistogram("embeddings_batch_tokens", "Padded tokens (longest x count) per batch run.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = BatchTokenBuckets });
        PaddingEfficiency = factory.CreateHistogram("embeddings_padding_efficiency", "Real tokens / padded tokens per batch run.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = EfficiencyBuckets });
        QueueDepth = factory.CreateGauge("embeddings_queue_depth", "Inputs waiting in the model's queue.", ["model"]);
        Rejected = factory.CreateCounter("embeddings_rejected_total", "Inputs refused or lost before inference, by reason.", ["model", "reason"]);
        CacheRequests = factory.CreateCounter("embeddings_cache_requests_total", "Cache lookups per input, by result (hit, miss, error).", ["model", "result"]);
    }

    public CollectorRegistry Registry { get; }

    public Counter Requests { get; }

    public Histogram RequestDuration { get; }

    public Histogram QueueWait { get; }

    public Histogram InferenceDuration { get; }

    public Histogram BatchSize { get; }

    public Histogram BatchTokens { get; }

    public Histogram PaddingEfficiency { get; }

    public Gauge QueueDepth { get; }

    public Counter Rejected { get; }

    public Counter CacheRequests { get; }
}
