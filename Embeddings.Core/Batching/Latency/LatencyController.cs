using Embeddings.Contracts;

namespace Embeddings.Core.Batching.Latency;

/// <summary>
/// Steers one model to its latency target (<see cref="BatchingOptions.TargetP95Ms"/>), within the operator's
/// <see cref="BatchingOptions.MaxBatchSize"/> and <see cref="BatchingOptions.MaxWaitMs"/> as limits. An input's
/// latency has two parts, and each has its knob:
/// <list type="bullet">
/// <item>Its batch's time: the batch size is the largest whose time (from the learnt cost line) fits a share of the
/// target, at most two fifths, so that an input that waits for a whole running batch and then runs in the next still
/// makes it with a fifth to spare for what lies outside the batches (reading the request, tokenizing, answering).
/// Larger batches serve more per second, so within that share the larger the better; as batches cost more, it
/// shrinks. The wait is a tenth of that share.</item>
/// <item>Waiting in the queue: admission refuses what the queue could not answer within a share of the target (at most
/// all of it; see <see cref="TimeToServe"/>), so under overload what is accepted is served in time and the rest gets a
/// 429 at once. The share never falls below two batch shares: the queue always holds one full batch behind a running
/// one, or under overload batches would run part empty and serve less.</item>
/// </list>
/// Measurement corrects the estimates (right on an idle machine, optimistic when other work shares it), once a second,
/// multiplicatively, with a dead band so that the shares settle rather than swing: when the p95 is above 95% of the
/// target, the admission share shrinks by a fifth, or, once it is at its least (the queue holds just one batch), the
/// batch share does, and the admission share with it; when the p95 is below 85% (where a step up stays below 95%),
/// both grow by a tenth, back to their limits; in between they hold. Each decision judges only the latencies measured
/// since the shares last changed, so one slow moment is acted on once. Before the first batch has run there is nothing
/// to estimate with, and admission holds one round of full batches.
/// </summary>
public sealed class LatencyController
{
    public const double ShrinkAbove = 0.95;
    public const double GrowBelow = 0.85;
    public const double Shrink = 0.8;
    public const double Grow = 1.1;
    public const double MaxBatchShare = 0.4;
    public const double MinBatchShare = 0.05;
    public const int MinSamples = 20;

    /// <summary>The share of the target one batch's time may take.</summary>
    public double BatchShare { get; private set; } = MaxBatchShare;

    /// <summary>The share of the target the queue may hold (in time to serve) before admission refuses.</summary>
    public double AdmissionShare { get; private set; } = 1;

    /// <summary>The least admission share: a running batch and one full batch behind it.</summary>
    public double MinAdmissionShare => Math.Min(1, 2 * BatchShare);

    /// <summary>The batch size batches are planned with now; 0 before the first decision.</summary>
    public int BatchSize { get; private set; }

    /// <summary>The wait batches are planned with now, in ms.</summary>
    public int WaitMs { get; private set; }

    /// <summary>Forgets what it learnt (the target changed): the next decision starts from the largest shares.</summary>
    public void Reset() => (BatchShare, AdmissionShare, BatchSize, WaitMs) = (MaxBatchShare, 1, 0, 0);

    /// <param name="limits">The configured options: their batch size and wait are the limits, and their target the goal.</param>
    /// <param name="cost">The learnt cost line; null before any batch ran.</param>
    /// <param name="p95Seconds">The p95 of the inputs' latency over the last seconds.</param>
    /// <param name="samples">How many inputs that p95 is of: too few say nothing.</param>
    public void Decide(BatchingOptions limits, CostLine? cost, double p95Seconds, int samples)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var target = (limits.TargetP95Ms ?? throw new ArgumentException("No target to steer by.", nameof(limits))) / 1000.0;
        if (BatchSize > 0 && samples >= MinSamples && p95Seconds > ShrinkAbove * target)
        {
            if (AdmissionShare * Shrink < MinAdmissionShare)
            {
                BatchShare = Math.Max(MinBatchShare, BatchShare * Shrink);
            }

            AdmissionShare = Math.Max(MinAdmissionShare, AdmissionShare * Shrink);
        }
        else if (BatchSize > 0 && samples >= MinSamples && p95Seconds < GrowBelow * target)
        {
            BatchShare = Math.Min(MaxBatchShare, BatchShare * Grow);
            AdmissionShare = Math.Clamp(AdmissionShare * Grow, MinAdmissionShare, 1);
        }

        BatchSize = LargestBatch(BatchShare * target, limits.MaxBatchSize, cost);
        WaitMs = Math.Clamp((int)(BatchShare * target * 1000 / 10), 0, limits.MaxWaitMs);
    }

    /// <summary>The largest batch (up to <paramref name="limit"/>) whose typical time is at most <paramref name="seconds"/>;
    /// the limit itself before anything was learnt; at least one.</summary>
    public static int LargestBatch(double seconds, int limit, CostLine? cost)
    {
        if (cost is null)
        {
            return limit;
        }

        var size = 1;
        while (size < limit && cost.Seconds(size + 1) <= seconds)
        {
            size++;
        }

        return size;
    }

    /// <summary>
    /// How long until the last of <paramref name="incoming"/> more inputs would be answered, behind
    /// <paramref name="queued"/> waiting ones and the <paramref name="running"/> batches that hold slots now: the batches
    /// of <paramref name="batchSize"/> they make, run <paramref name="parallel"/> at a time, after a whole running batch
    /// when every slot is busy (it may have just begun: the p95 is of the unlucky inputs). Before anything was learnt: none while the queue holds at most one round of full
    /// batches, and beyond that more than any target (so that a cold start does not queue what it cannot know it serves).
    /// </summary>
    public static TimeSpan TimeToServe(CostLine? cost, int queued, int incoming, int batchSize, int parallel, int running = 0)
    {
        if (cost is null)
        {
            return queued + incoming <= batchSize * parallel ? TimeSpan.Zero : TimeSpan.MaxValue;
        }

        var batches = (queued + incoming + batchSize - 1) / Math.Max(1, batchSize);
        var rounds = ((batches + parallel - 1) / Math.Max(1, parallel)) + (running >= parallel ? 1 : 0);
        return TimeSpan.FromSeconds(rounds * cost.Seconds(batchSize));
    }
}
