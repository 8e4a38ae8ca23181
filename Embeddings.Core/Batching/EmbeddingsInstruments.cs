namespace Embeddings.Core.Batching;

/// <summary>
/// Names of the System.Diagnostics.Metrics instruments that <see cref="BatchProcessor"/> publishes on the meter
/// <see cref="MeterName"/>. Every instrument carries the tag <c>model</c>; rejections also carry <c>reason</c>
/// (<c>queue_full</c> or <c>shutting_down</c>). Durations are in seconds.
/// <code>
/// instrument                        kind             unit      Prometheus name (suggested bridge)
/// embeddings.requests               Counter&lt;long&gt;    {input}   embeddings_requests_total
/// embeddings.batches                Counter&lt;long&gt;    {batch}   embeddings_batches_total
/// embeddings.batch.size             Histogram&lt;int&gt;   {input}   embeddings_batch_size
/// embeddings.batch.tokens           Histogram&lt;long&gt;  {token}   embeddings_batch_tokens  (padded tokens per model call)
/// embeddings.padding.efficiency     Histogram&lt;double&gt; 1        embeddings_padding_efficiency  (real / padded tokens)
/// embeddings.queue.wait             Histogram&lt;double&gt; s        embeddings_queue_wait_seconds
/// embeddings.inference.duration     Histogram&lt;double&gt; s        embeddings_inference_duration_seconds
/// embeddings.queue.depth            ObservableGauge  {input}   embeddings_queue_depth
/// embeddings.batches.in_flight      ObservableGauge  {batch}   embeddings_batches_in_flight
/// embeddings.rejected               Counter&lt;long&gt;    {input}   embeddings_rejected_total{reason}
/// embeddings.cancelled              Counter&lt;long&gt;    {input}   embeddings_cancelled_total  (left the queue before running)
/// embeddings.failed                 Counter&lt;long&gt;    {input}   embeddings_failed_total  (answered with ModelFailedException)
/// </code>
/// </summary>
public static class EmbeddingsInstruments
{
    public const string MeterName = "Embeddings";

    public const string ModelTag = "model";
    public const string ReasonTag = "reason";
    public const string ReasonQueueFull = "queue_full";
    public const string ReasonShuttingDown = "shutting_down";

    public const string Requests = "embeddings.requests";
    public const string Batches = "embeddings.batches";
    public const string BatchSize = "embeddings.batch.size";
    public const string BatchTokens = "embeddings.batch.tokens";
    public const string PaddingEfficiency = "embeddings.padding.efficiency";
    public const string QueueWait = "embeddings.queue.wait";
    public const string InferenceDuration = "embeddings.inference.duration";
    public const string QueueDepth = "embeddings.queue.depth";
    public const string BatchesInFlight = "embeddings.batches.in_flight";
    public const string Rejected = "embeddings.rejected";
    public const string Cancelled = "embeddings.cancelled";
    public const string Failed = "embeddings.failed";
}
