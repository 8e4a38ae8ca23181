namespace Embeddings.Contracts;

/// <summary>
/// Cumulative counters and averages of one model's queue since start, plus its current depth and batches in flight.
/// Plain data, suitable for JSON; durations in seconds. The same events feed the <c>embeddings_*</c> metrics.
/// At rest, <see cref="Inputs"/> = <see cref="Completed"/> + <see cref="Failed"/> + <see cref="Cancelled"/> + <see cref="Rejected"/>;
/// while busy, the inputs still queued or running make up the difference.
/// </summary>
/// <param name="Inputs">Inputs submitted to the queue, accepted or refused.</param>
/// <param name="Completed">Inputs answered with a vector.</param>
/// <param name="Failed">Inputs answered with a model failure (503).</param>
/// <param name="Cancelled">Inputs whose caller left before the answer.</param>
/// <param name="CancelledInFlight">Of those, the ones whose batch was already running (the result was dropped).</param>
/// <param name="RejectedQueueFull">Inputs refused because the queue was full.</param>
/// <param name="RejectedShuttingDown">Inputs refused because the processor was shutting down.</param>
/// <param name="RejectedOverTarget">Inputs refused (429) because the queue could not answer them within the model's
/// latency target.</param>
/// <param name="QueueDepth">Inputs waiting now.</param>
/// <param name="InFlightBatches">Batches running now.</param>
/// <param name="Batches">Model calls run.</param>
/// <param name="FailedBatches">Model calls that threw.</param>
/// <param name="AverageBatchSize">Inputs per model call.</param>
/// <param name="LargestBatch">Most inputs seen in one model call.</param>
/// <param name="RealTokens">Tokens of all inputs run.</param>
/// <param name="PaddedTokens">Longest × count, summed over model calls.</param>
/// <param name="PaddingEfficiency">RealTokens / PaddedTokens (1 when nothing ran).</param>
/// <param name="AverageQueueWaitSeconds">Mean time from admission to the start of the input's model call.</param>
/// <param name="AverageInferenceSeconds">Mean duration of a model call.</param>
/// <param name="InferenceSeconds">Time the model's batches have held inference slots, in all: over a window, divided by
/// the window and the process's slots, the share of the machine this model got.</param>
public sealed record ModelStatsSnapshot(
    string Model,
    long Inputs,
    long Completed,
    long Failed,
    long Cancelled,
    long CancelledInFlight,
    long RejectedQueueFull,
    long RejectedShuttingDown,
    int QueueDepth,
    int InFlightBatches,
    long Batches,
    long FailedBatches,
    double AverageBatchSize,
    int LargestBatch,
    long RealTokens,
    long PaddedTokens,
    double PaddingEfficiency,
    double AverageQueueWaitSeconds,
    double AverageInferenceSeconds,
    double InferenceSeconds = 0,
    long RejectedOverTarget = 0)
{
    /// <summary>All refusals, whatever the reason.</summary>
    public long Rejected => RejectedQueueFull + RejectedShuttingDown + RejectedOverTarget;
}
