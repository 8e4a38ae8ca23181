namespace Embeddings.Core.Batching;

/// <summary>
/// Cumulative counters and averages of one model's queue since start, plus its current depth and
/// batches in flight. Plain data, suitable for JSON. Durations are in seconds.
/// </summary>
/// <param name="Requests">Inputs accepted into the queue.</param>
/// <param name="Completed">Inputs answered with a vector.</param>
/// <param name="Batches">Model calls run (a gathered batch split by length counts once per part).</param>
/// <param name="FailedBatches">Model calls that threw.</param>
/// <param name="Failed">Inputs answered with <see cref="Models.ModelFailedException"/>.</param>
/// <param name="RejectedQueueFull">Inputs refused because the queue was full.</param>
/// <param name="RejectedShuttingDown">Inputs refused because the processor was shutting down.</param>
/// <param name="Cancelled">Inputs whose caller cancelled while they were queued; they never cost inference.</param>
/// <param name="CancelledInFlight">Inputs whose caller cancelled while their batch ran; the result was discarded.</param>
/// <param name="QueueDepth">Inputs waiting now.</param>
/// <param name="InFlightBatches">Gathered batches running now.</param>
/// <param name="AverageBatchSize">Inputs per model call.</param>
/// <param name="LargestBatch">Most inputs seen in one model call.</param>
/// <param name="RealTokens">Tokens of all inputs run.</param>
/// <param name="PaddedTokens">Longest x count, summed over model calls.</param>
/// <param name="PaddingEfficiency">RealTokens / PaddedTokens (1 when nothing ran).</param>
/// <param name="AverageQueueWaitSeconds">Mean time from admission to the start of the input's model call.</param>
/// <param name="AverageInferenceSeconds">Mean duration of a model call.</param>
/// <param name="BatchSizes">Distribution of inputs per model call.</param>
/// <param name="InputTokens">Distribution of tokens per input.</param>
public sealed record ModelStatsSnapshot(
    string Model,
    long Requests,
    long Completed,
    long Batches,
    long FailedBatches,
    long Failed,
    long RejectedQueueFull,
    long RejectedShuttingDown,
    long Cancelled,
    long CancelledInFlight,
    int QueueDepth,
    int InFlightBatches,
    double AverageBatchSize,
    int LargestBatch,
    long RealTokens,
    long PaddedTokens,
    double PaddingEfficiency,
    double AverageQueueWaitSeconds,
    double AverageInferenceSeconds,
    IReadOnlyList<HistogramBucket> BatchSizes,
    IReadOnlyList<HistogramBucket> InputTokens)
{
    /// <summary>All refusals, whatever the reason.</summary>
    public long Rejected => RejectedQueueFull + RejectedShuttingDown;
}
