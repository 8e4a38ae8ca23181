using Embeddings.Contracts;
using Embeddings.Core.Batching.Latency;

namespace Embeddings.Core.Batching;

/// <summary>The model's latency target (<see cref="BatchingOptions.TargetP95Ms"/>): what is measured, how the controller
/// steers the batch size and wait, and the admission that refuses what could not make the target.</summary>
internal sealed partial class ModelQueue
{
    /// <summary>How far back the p95 the controller steers by looks, and how often it decides.</summary>
    public static readonly TimeSpan ControlInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan ControlWindow = TimeSpan.FromSeconds(3);

    private readonly BatchCostModel _cost = new();
    private readonly LatencyController _controller = new();
    private LatencyWindow? _latencies;
    private BatchingOptions? _effective;
    private BatchingOptions? _steeredBy; // the options of the last decision: new ones are decided at once
    private long _lastDecision;
    private long _lastChange; // latencies from before the shares last changed say nothing of the shares now

    /// <summary>The options batches are planned by: the configured ones, with the controller's batch size and wait when a
    /// target is set.</summary>
    public BatchingOptions Effective => Volatile.Read(ref _effective) ?? Options;

    /// <summary>What the target and the controller say now; null without a target.</summary>
    public LatencyState? Latency
    {
        get
        {
            var options = Options;
            if (options.TargetP95Ms is not { } target)
            {
                return null;
            }

            var effective = Effective;
            var line = _cost.Line;
            var (p95, samples) = Latencies.P95(ControlWindow);
            return new LatencyState(
                target,
                effective.MaxBatchSize,
                effective.MaxWaitMs,
                line?.Capacity(effective.MaxBatchSize, Parallel(options)) is { } capacity && double.IsFinite(capacity) ? capacity : null,
                samples > 0 ? p95 * 1000 : null);
        }
    }

    private LatencyWindow Latencies => _latencies ??= new LatencyWindow(_time);

    /// <summary>Slots the model can count on: its cap, at most the process's.</summary>
    private int Parallel(BatchingOptions options) => Math.Max(1, Math.Min(options.MaxConcurrentBatches, _scheduler.Slots));

    /// <summary>One batch ran: its time for the cost line, and each input's latency (its wait and the batch) for the p95.</summary>
    private void MeasureBatch(long paddedTokens, TimeSpan inference, ReadOnlySpan<TimeSpan> waits)
    {
        _cost.Record(paddedTokens, inference.TotalSeconds, waits.Length);
        if (Options.TargetP95Ms is not null)
        {
            foreach (var wait in waits)
            {
                Latencies.Record((wait + inference).TotalSeconds);
            }
        }
    }

    /// <summary>On the dispatcher: about once a second while a target is set, and at once when the options change, lets
    /// the controller decide the batch size and wait (a new target starts it afresh).</summary>
    private void Steer()
    {
        var options = Options;
        if (options.TargetP95Ms is null)
        {
            Volatile.Write(ref _effective, null);
            _steeredBy = null;
            return;
        }

        if (ReferenceEquals(options, _steeredBy) && _time.GetElapsedTime(_lastDecision) < ControlInterval)
        {
            return;
        }

        _lastDecision = _time.GetTimestamp();
        if (_steeredBy?.TargetP95Ms != options.TargetP95Ms)
        {
            _controller.Reset();
            _lastChange = _lastDecision;
        }

        _steeredBy = options;
        var (p95, samples) = Latencies.P95(ControlWindow, _lastChange);
        var shares = (_controller.BatchShare, _controller.AdmissionShare);
        _controller.Decide(options, _cost.Line, p95, samples);
        if (shares != (_controller.BatchShare, _controller.AdmissionShare))
        {
            _lastChange = _lastDecision;
        }

        Volatile.Write(ref _effective, options with { MaxBatchSize = _controller.BatchSize, MaxWaitMs = _controller.WaitMs });
    }

    /// <summary>While a target is set and inputs already wait: refuses <paramref name="count"/> more if the last of them
    /// could not be answered within the controller's share of the target, with a Retry-After of how much too late.</summary>
    private OverTargetException? OverTarget(BatchingOptions options, int queued, int count)
    {
        if (options.TargetP95Ms is not { } target || queued == 0)
        {
            return null;
        }

        var expected = LatencyController.TimeToServe(
            _cost.Line, queued, count, Effective.MaxBatchSize, Parallel(options), InFlightBatches);
        var limit = TimeSpan.FromMilliseconds(target * _controller.AdmissionShare);
        return expected > limit
            ? new OverTargetException(Id, target, expected, expected == TimeSpan.MaxValue ? TimeSpan.FromSeconds(1) : expected - limit)
            : null;
    }
}

/// <summary>A model's latency target and what the controller runs to meet it.</summary>
/// <param name="TargetP95Ms">The target.</param>
/// <param name="BatchSize">The batch size batches are planned with now.</param>
/// <param name="WaitMs">The wait they are planned with now.</param>
/// <param name="CapacityPerSecond">Inputs per second those batches can serve, from the learnt cost line; null before a batch ran.</param>
/// <param name="ObservedP95Ms">The p95 of the inputs' latency over the last few seconds; null without inputs.</param>
public sealed record LatencyState(int TargetP95Ms, int BatchSize, int WaitMs, double? CapacityPerSecond, double? ObservedP95Ms);
