using Embeddings.Contracts;

namespace Embeddings.Core.Batching;

/// <summary>
/// Records what one model's queue does, once per event. Its cumulative counts are the one record of them: /models and
/// the admin read them through <see cref="Snapshot"/>, and the engine's counters (observable instruments, for /metrics
/// and OpenTelemetry) read them too, so they always agree. Per-batch distributions go to the histograms here.
/// Per-input counts are lock-free; per-batch figures take a short lock, once per model call.
/// <para>Every input ends in exactly one of completed, failed, cancelled or rejected, counted where its answer is set,
/// so at rest inputs = completed + failed + cancelled + rejected.</para>
/// </summary>
internal sealed class ModelStats(string model, EngineInstruments instruments)
{
    /// <summary>Weight of the newest batch in the moving estimate of seconds per input.</summary>
    private const double EwmaWeight = 0.2;

    private readonly KeyValuePair<string, object?> _tag = new(EmbeddingsMeter.ModelTag, model);
    private readonly Lock _lock = new();

    /// <summary>Queue waits in seconds, in the buckets of their histogram, for the live percentiles.</summary>
    public BucketCounter QueueWaits { get; } = new(EmbeddingsMeter.SecondsBuckets);

    private long _inputs;
    private long _completed;
    private long _failed;
    private long _cancelled;
    private long _cancelledInFlight;
    private long _rejectedFull;
    private long _rejectedShutdown;
    private long _rejectedOverTarget;

    private long _batches;
    private long _failedBatches;
    private long _batchInputs;
    private int _largestBatch;
    private long _realTokens;
    private long _paddedTokens;
    private double _queueWaitSeconds;
    private double _inferenceSeconds;
    private double _secondsPerInput = double.NaN;

    public void Accepted(int count) => Interlocked.Add(ref _inputs, count);

    /// <summary>Inputs refused because the model's dispatcher has failed: they count as failed, as their callers see it.</summary>
    public void FailedAtAdmission(int count)
    {
        Interlocked.Add(ref _inputs, count);
        Interlocked.Add(ref _failed, count);
    }

    public void RejectedQueueFull(int count) => Rejected(ref _rejectedFull, count);

    public void RejectedShuttingDown(int count) => Rejected(ref _rejectedShutdown, count);

    public void RejectedOverTarget(int count) => Rejected(ref _rejectedOverTarget, count);

    public void Completed() => Interlocked.Increment(ref _completed);

    public void Failed() => Interlocked.Increment(ref _failed);

    /// <summary>A caller left: while queued (it never costs inference) or while its batch ran (the result is dropped).</summary>
    public void Cancelled(bool inFlight)
    {
        Interlocked.Increment(ref _cancelled);
        if (inFlight)
        {
            Interlocked.Increment(ref _cancelledInFlight);
        }
    }

    /// <summary>One model call: its shape, how long it ran, and how long each of its inputs had waited.</summary>
    public void Batch(int count, long realTokens, long paddedTokens, TimeSpan inference, ReadOnlySpan<TimeSpan> waits, bool failed)
    {
        var efficiency = paddedTokens == 0 ? 1 : (double)realTokens / paddedTokens;
        instruments.BatchSize.Record(count, _tag);
        instruments.BatchTokens.Record(paddedTokens, _tag);
        instruments.PaddingEfficiency.Record(efficiency, _tag);
        instruments.InferenceDuration.Record(inference.TotalSeconds, _tag);
        double waitSum = 0;
        foreach (var wait in waits)
        {
            instruments.QueueWait.Record(wait.TotalSeconds, _tag);
            QueueWaits.Record(wait.TotalSeconds);
            waitSum += wait.TotalSeconds;
        }

        lock (_lock)
        {
            _batches++;
            _batchInputs += count;
            _largestBatch = Math.Max(_largestBatch, count);
            _realTokens += realTokens;
            _paddedTokens += paddedTokens;
            _queueWaitSeconds += waitSum;
            _inferenceSeconds += inference.TotalSeconds;
            if (failed)
            {
                _failedBatches++;
            }
            else
            {
                var perInput = inference.TotalSeconds / count;
                _secondsPerInput = double.IsNaN(_secondsPerInput) ? perInput : (EwmaWeight * perInput) + ((1 - EwmaWeight) * _secondsPerInput);
            }
        }
    }

    /// <summary>
    /// How long until a full queue has room again: the queued inputs times the recent seconds per input (moving
    /// average over model calls), divided by the <paramref name="parallel"/> batches that can run at once, plus one wait
    /// window; one second before anything has run; clamped to [max wait, 60 s].
    /// </summary>
    public TimeSpan EstimateRetryAfter(int queued, BatchingOptions options, int parallel)
    {
        double perInput;
        lock (_lock)
        {
            perInput = _secondsPerInput;
        }

        var floor = Math.Max(options.MaxWaitMs / 1000.0, 0.001);
        var seconds = double.IsNaN(perInput) ? 1.0 : (queued * perInput / parallel) + floor;
        return TimeSpan.FromSeconds(Math.Clamp(seconds, floor, 60));
    }

    public ModelStatsSnapshot Snapshot(int queueDepth, int inFlight)
    {
        lock (_lock)
        {
            return new ModelStatsSnapshot(
                Model: model,
                Inputs: Interlocked.Read(ref _inputs),
                Completed: Interlocked.Read(ref _completed),
                Failed: Interlocked.Read(ref _failed),
                Cancelled: Interlocked.Read(ref _cancelled),
                CancelledInFlight: Interlocked.Read(ref _cancelledInFlight),
                RejectedQueueFull: Interlocked.Read(ref _rejectedFull),
                RejectedShuttingDown: Interlocked.Read(ref _rejectedShutdown),
                QueueDepth: queueDepth,
                InFlightBatches: inFlight,
                Batches: _batches,
                FailedBatches: _failedBatches,
                AverageBatchSize: _batches == 0 ? 0 : (double)_batchInputs / _batches,
                LargestBatch: _largestBatch,
                RealTokens: _realTokens,
                PaddedTokens: _paddedTokens,
                PaddingEfficiency: _paddedTokens == 0 ? 1 : (double)_realTokens / _paddedTokens,
                AverageQueueWaitSeconds: _batchInputs == 0 ? 0 : _queueWaitSeconds / _batchInputs,
                AverageInferenceSeconds: _batches == 0 ? 0 : _inferenceSeconds / _batches,
                InferenceSeconds: _inferenceSeconds,
                RejectedOverTarget: Interlocked.Read(ref _rejectedOverTarget));
        }
    }

    private void Rejected(ref long counter, int count)
    {
        Interlocked.Add(ref _inputs, count);
        Interlocked.Add(ref counter, count);
    }
}
