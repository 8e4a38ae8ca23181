namespace Embeddings.Core.Batching;

/// <summary>Cumulative statistics of one model's queue. Per-input counters are lock-free; per-batch figures
/// take a short lock (once per model call).</summary>
internal sealed class ModelStats
{
    private static readonly int[] BatchSizeBounds = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
    private static readonly int[] TokenBounds = [8, 16, 32, 64, 128, 256, 512, 1024];

    /// <summary>Weight of the newest batch in the moving estimate of seconds per input.</summary>
    private const double EwmaWeight = 0.2;

    private readonly Lock _lock = new();
    private readonly string _model;
    private readonly long[] _batchSizes = new long[BatchSizeBounds.Length + 1];
    private readonly long[] _inputTokens = new long[TokenBounds.Length + 1];

    private long _requests;
    private long _rejectedFull;
    private long _rejectedShutdown;
    private long _cancelled;
    private long _cancelledInFlight;

    private long _completed;
    private long _batches;
    private long _failedBatches;
    private long _failed;
    private long _batchInputs;
    private int _largestBatch;
    private long _realTokens;
    private long _paddedTokens;
    private double _queueWaitSeconds;
    private long _queueWaitCount;
    private double _inferenceSeconds;
    private double _secondsPerInput = double.NaN;

    public ModelStats(string model) => _model = model;

    public void AddRequests(int count) => Interlocked.Add(ref _requests, count);

    public void AddRejectedQueueFull(int count) => Interlocked.Add(ref _rejectedFull, count);

    public void AddRejectedShuttingDown(int count) => Interlocked.Add(ref _rejectedShutdown, count);

    public void AddCancelled() => Interlocked.Increment(ref _cancelled);

    public void AddCancelledInFlight() => Interlocked.Increment(ref _cancelledInFlight);

    public void RecordBatch(BatchReport report, ReadOnlySpan<int> tokenCounts, double queueWaitSecondsSum)
    {
        lock (_lock)
        {
            _batches++;
            _batchInputs += report.BatchSize;
            _largestBatch = Math.Max(_largestBatch, report.BatchSize);
            _realTokens += report.RealTokens;
            _paddedTokens += report.PaddedTokens;
            _queueWaitSeconds += queueWaitSecondsSum;
            _queueWaitCount += report.BatchSize;
            var seconds = report.InferenceTime.TotalSeconds;
            _inferenceSeconds += seconds;
            _batchSizes[Bucket(BatchSizeBounds, report.BatchSize)]++;
            foreach (var tokens in tokenCounts)
            {
                _inputTokens[Bucket(TokenBounds, tokens)]++;
            }

            if (report.Failed)
            {
                _failedBatches++;
                _failed += report.BatchSize;
            }
            else
            {
                _completed += report.BatchSize;
                var perInput = seconds / report.BatchSize;
                _secondsPerInput = double.IsNaN(_secondsPerInput)
                    ? perInput
                    : (EwmaWeight * perInput) + ((1 - EwmaWeight) * _secondsPerInput);
            }
        }
    }

    /// <summary>
    /// How long until a full queue has room again: the queued inputs times the recent seconds per input
    /// (moving average over model calls), divided by the batches that run at once, plus one wait window;
    /// one second before anything has run; clamped to [max wait, 60 s].
    /// </summary>
    public TimeSpan EstimateRetryAfter(int queued, BatchingOptions options)
    {
        double perInput;
        lock (_lock)
        {
            perInput = _secondsPerInput;
        }

        var floor = Math.Max(options.MaxWaitMs / 1000.0, 0.001);
        var seconds = double.IsNaN(perInput)
            ? 1.0
            : (queued * perInput / options.MaxConcurrentBatches) + floor;
        return TimeSpan.FromSeconds(Math.Clamp(seconds, floor, 60));
    }

    public ModelStatsSnapshot Snapshot(int queueDepth, int inFlight)
    {
        lock (_lock)
        {
            return new ModelStatsSnapshot(
                Model: _model,
                Requests: Interlocked.Read(ref _requests),
                Completed: _completed,
                Batches: _batches,
                FailedBatches: _failedBatches,
                Failed: _failed,
                RejectedQueueFull: Interlocked.Read(ref _rejectedFull),
                RejectedShuttingDown: Interlocked.Read(ref _rejectedShutdown),
                Cancelled: Interlocked.Read(ref _cancelled),
                CancelledInFlight: Interlocked.Read(ref _cancelledInFlight),
                QueueDepth: queueDepth,
                InFlightBatches: inFlight,
                AverageBatchSize: _batches == 0 ? 0 : (double)_batchInputs / _batches,
                LargestBatch: _largestBatch,
                RealTokens: _realTokens,
                PaddedTokens: _paddedTokens,
                PaddingEfficiency: _paddedTokens == 0 ? 1 : (double)_realTokens / _paddedTokens,
                AverageQueueWaitSeconds: _queueWaitCount == 0 ? 0 : _queueWaitSeconds / _queueWaitCount,
                AverageInferenceSeconds: _batches == 0 ? 0 : _inferenceSeconds / _batches,
                BatchSizes: Buckets(BatchSizeBounds, _batchSizes),
                InputTokens: Buckets(TokenBounds, _inputTokens));
        }
    }

    private static int Bucket(int[] bounds, int value)
    {
        var i = 0;
        while (i < bounds.Length && value > bounds[i])
        {
            i++;
        }

        return i;
    }

    private static HistogramBucket[] Buckets(int[] bounds, long[] counts)
    {
        var buckets = new HistogramBucket[counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            buckets[i] = new HistogramBucket(i < bounds.Length ? bounds[i] : null, counts[i]);
        }

        return buckets;
    }
}
