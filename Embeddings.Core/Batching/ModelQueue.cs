using System.Threading.Channels;
using Embeddings.Core.Models;
using Microsoft.Extensions.Logging;

namespace Embeddings.Core.Batching;

/// <summary>
/// One model's queue: callers write tokenized inputs into a channel; a single dispatcher loop owns the
/// pending list, gathers batches and hands them to dedicated runner threads (at most
/// <see cref="BatchingOptions.MaxConcurrentBatches"/> at once).
/// <para>
/// A batch is dispatched when <see cref="BatchingOptions.MaxBatchSize"/> inputs wait, when no further input
/// could join without the padded cost (longest x count) passing <see cref="BatchingOptions.MaxBatchTokens"/>
/// (a single over-budget input goes alone), when the oldest input has waited
/// <see cref="BatchingOptions.MaxWaitMs"/> (on the injected <see cref="TimeProvider"/>), or at shutdown.
/// Batches are taken oldest first, then sorted by token count and split by <see cref="BatchSplitter"/>;
/// each part is one model call: parts that find a free runner slot run at once, the rest in turn on the
/// batch's own runner.
/// </para>
/// </summary>
internal sealed class ModelQueue
{
    /// <summary>An empty submission: wakes the dispatcher after an options change.</summary>
    private static readonly PendingRequest[] Wake = [];

    private readonly Channel<PendingRequest[]> _channel = Channel.CreateUnbounded<PendingRequest[]>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly Queue<PendingRequest> _pending = new(); // dispatcher only, oldest first
    private readonly IEmbeddingModel _model;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BatchMetrics _metrics;
    private readonly ModelStats _stats;
    private readonly Action<BatchReport> _onBatch;
    private readonly KeyValuePair<string, object?> _modelTag;
    private readonly RunnerSlots _slots;
    private readonly RunnerThreads _runners;
    private readonly Task _loop;

    private BatchingOptions _options;
    private int _queued;
    private int _inFlight;

    // Dispatcher state.
    private Task<bool>? _readWait;
    private Task? _slotWait;
    private bool _haveSlot;
    private bool _inputDone;

    public ModelQueue(
        RegisteredModel registered,
        TimeProvider time,
        ILogger logger,
        BatchMetrics metrics,
        Action<BatchReport> onBatch)
    {
        _model = registered.Model;
        Id = registered.Id;
        _options = registered.Batching.EnsureValid();
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _onBatch = onBatch;
        _stats = new ModelStats(Id);
        _modelTag = new(EmbeddingsInstruments.ModelTag, Id);
        _slots = new RunnerSlots(_options.MaxConcurrentBatches);
        _runners = new RunnerThreads(Id);
        BatchingLog.QueueStarted(logger, Id, _options.MaxBatchSize, _options.MaxWaitMs, _options.MaxConcurrentBatches);
        _loop = Task.Run(RunAsync);
    }

    public string Id { get; }

    public BatchingOptions Options => Volatile.Read(ref _options);

    /// <summary>Inputs admitted and not yet in a batch (nor cancelled).</summary>
    public int QueueDepth => Volatile.Read(ref _queued);

    /// <summary>Gathered batches running now.</summary>
    public int InFlightBatches => Volatile.Read(ref _inFlight);

    /// <summary>Completes once the queue is completed, everything queued has run and no batch is in flight.</summary>
    public Task Completion => _loop;

    /// <summary>Test hook: raised by the dispatcher just before it waits (pending entries, time left before the
    /// oldest is due, or null when it waits for input only). When a time is given, its timer already runs.</summary>
    internal event Action<int, TimeSpan?>? Waiting;

    /// <summary>Applies the prompt prefix and tokenizes on the caller's thread.</summary>
    public (TokenizedInput Input, bool Normalize) Prepare(ModelInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var descriptor = _model.Descriptor;
        var text = input.Text;
        if (input.Prompt is { } prompt)
        {
            if (!descriptor.Prompts.TryGetValue(prompt, out var prefix))
            {
                var known = descriptor.Prompts.Count == 0
                    ? "it has none"
                    : "known prompts: " + string.Join(", ", descriptor.Prompts.Keys.Order(StringComparer.Ordinal));
                throw new InvalidInputException($"Model '{Id}' has no prompt named '{prompt}' ({known}).");
            }

            text = prefix + text;
        }

        return (_model.Tokenize(text, input.Truncate), input.Normalize ?? descriptor.Normalize);
    }

    /// <summary>Admits all inputs or none (against <see cref="BatchingOptions.MaxQueueLength"/>) and queues them.</summary>
    public Task<ModelEmbedding>[] Enqueue(ReadOnlySpan<(TokenizedInput Input, bool Normalize)> inputs, CancellationToken ct)
    {
        var count = inputs.Length;
        var options = Options;
        while (true)
        {
            var queued = Volatile.Read(ref _queued);
            if (queued + count > options.MaxQueueLength)
            {
                _stats.AddRejectedQueueFull(count);
                _metrics.Rejected.Add(count, _modelTag, new(EmbeddingsInstruments.ReasonTag, EmbeddingsInstruments.ReasonQueueFull));
                throw new QueueFullException(Id, options.MaxQueueLength, _stats.EstimateRetryAfter(queued, options));
            }

            if (Interlocked.CompareExchange(ref _queued, queued + count, queued) == queued)
            {
                break;
            }
        }

        var now = _time.GetTimestamp();
        var requests = new PendingRequest[count];
        for (var i = 0; i < count; i++)
        {
            requests[i] = new PendingRequest(this, inputs[i].Input, inputs[i].Normalize, now);
        }

        // Watch the token before the requests become visible, so the dispatcher never races the registration.
        var tasks = new Task<ModelEmbedding>[count];
        for (var i = 0; i < count; i++)
        {
            tasks[i] = requests[i].Task;
            requests[i].Watch(ct);
        }

        if (!_channel.Writer.TryWrite(requests))
        {
            foreach (var request in requests)
            {
                request.Unwatch();
                if (request.TryDispatch())
                {
                    Interlocked.Decrement(ref _queued); // a request cancelled meanwhile has given its place back already
                }
            }

            throw RejectShuttingDown(count);
        }

        _stats.AddRequests(count);
        _metrics.Requests.Add(count, _modelTag);
        return tasks;
    }

    /// <summary>Counts a refusal at shutdown and returns the error to throw.</summary>
    public ShuttingDownException RejectShuttingDown(int count)
    {
        _stats.AddRejectedShuttingDown(count);
        _metrics.Rejected.Add(count, _modelTag, new(EmbeddingsInstruments.ReasonTag, EmbeddingsInstruments.ReasonShuttingDown));
        return new ShuttingDownException();
    }

    /// <summary>Swaps the options in; the dispatcher applies them from its next decision.</summary>
    public BatchingOptions UpdateOptions(BatchingOptions options)
    {
        options.EnsureValid();
        Volatile.Write(ref _options, options);
        _slots.SetLimit(options.MaxConcurrentBatches);
        _channel.Writer.TryWrite(Wake);
        BatchingLog.OptionsUpdated(_logger, Id, options);
        return options;
    }

    public ModelStatsSnapshot GetStats() => _stats.Snapshot(QueueDepth, InFlightBatches);

    /// <summary>Stops taking input; what is queued still runs.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    internal void OnCancelledWhileQueued()
    {
        Interlocked.Decrement(ref _queued);
        _stats.AddCancelled();
        _metrics.Cancelled.Add(1, _modelTag);
    }

    internal void OnCancelledInFlight() => _stats.AddCancelledInFlight();

    private async Task RunAsync()
    {
        try
        {
            await DispatchLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            BatchingLog.DispatcherFailed(_logger, ex, Id);
            _channel.Writer.TryComplete();
            FailQueued(new ModelFailedException(Id, ex));
        }
        finally
        {
            if (_slotWait is { } slotWait)
            {
                await slotWait.ConfigureAwait(false);
                _haveSlot = true;
            }

            if (_haveSlot)
            {
                _haveSlot = false;
                _slots.Release();
            }

            await _slots.WhenIdleAsync().ConfigureAwait(false);
            _runners.Complete();
        }
    }

    private async Task DispatchLoopAsync()
    {
        while (true)
        {
            Drain();
            if (!DropCancelledAtFront())
            {
                if (_inputDone)
                {
                    return;
                }

                Waiting?.Invoke(0, null);
                await ReadWait().ConfigureAwait(false);
                continue;
            }

            var options = Options;
            var oldest = _pending.Peek().EnqueuedAt;
            var maxWait = TimeSpan.FromMilliseconds(options.MaxWaitMs);
            if (!_inputDone && _time.GetElapsedTime(oldest) < maxWait && !IsFull(options))
            {
                await WaitForInputAsync(oldest, maxWait).ConfigureAwait(false);
                continue;
            }

            if (!_haveSlot)
            {
                _slotWait ??= _slots.AcquireAsync();
                if (!_slotWait.IsCompleted)
                {
                    // Every runner is busy: keep draining (so cancellations leave and the batch grows) until one frees.
                    await (_inputDone ? _slotWait : Task.WhenAny(_slotWait, ReadWait())).ConfigureAwait(false);
                    continue;
                }

                _slotWait = null;
                _haveSlot = true;
            }

            var batch = Take(Options);
            if (batch.Count > 0)
            {
                _haveSlot = false;
                Dispatch(batch, Options);
            }
        }
    }

    private Task<bool> ReadWait() => _readWait ??= _channel.Reader.WaitToReadAsync().AsTask();

    /// <summary>Waits for new input or until the oldest entry is due, whichever comes first.</summary>
    private async Task WaitForInputAsync(long oldest, TimeSpan maxWait)
    {
        var read = ReadWait();
        var left = maxWait - _time.GetElapsedTime(oldest); // measured as the timer starts, so it ends on the deadline
        if (read.IsCompleted || left <= TimeSpan.Zero)
        {
            return;
        }

        using var cts = new CancellationTokenSource();
        var delay = Task.Delay(left, _time, cts.Token);
        Waiting?.Invoke(_pending.Count, left); // after the timer exists: a test may move the clock from here
        await Task.WhenAny(read, delay).ConfigureAwait(false);
        await cts.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>Moves everything written so far into the pending list.</summary>
    private void Drain()
    {
        if (_readWait is { IsCompleted: true } done)
        {
            _inputDone |= !done.GetAwaiter().GetResult();
            _readWait = null;
        }

        while (_channel.Reader.TryRead(out var requests))
        {
            foreach (var request in requests)
            {
                _pending.Enqueue(request);
            }
        }

        _inputDone |= _channel.Reader.Completion.IsCompleted;

        // Cancelled entries leave lazily; sweep once they could outnumber the live ones (memory stays bounded).
        if (_pending.Count > (2 * Options.MaxQueueLength) + 64)
        {
            var live = _pending.Where(r => !r.IsCancelled).ToList();
            _pending.Clear();
            foreach (var request in live)
            {
                _pending.Enqueue(request);
            }
        }
    }

    /// <summary>Drops cancelled entries at the head; false when nothing live is left.</summary>
    private bool DropCancelledAtFront()
    {
        while (_pending.TryPeek(out var head))
        {
            if (!head.IsCancelled)
            {
                return true;
            }

            _pending.Dequeue();
        }

        return false;
    }

    /// <summary>True when the batch that would be taken now cannot grow any more.</summary>
    private bool IsFull(BatchingOptions options)
    {
        var count = 0;
        var longest = 0;
        foreach (var request in _pending)
        {
            if (request.IsCancelled)
            {
                continue;
            }

            if (count == options.MaxBatchSize)
            {
                return true;
            }

            var next = Math.Max(longest, request.Input.Count);
            if (count > 0 && (long)next * (count + 1) > options.MaxBatchTokens)
            {
                return true;
            }

            longest = next;
            count++;
        }

        return count >= options.MaxBatchSize || (long)longest * (count + 1) > options.MaxBatchTokens;
    }

    /// <summary>Takes the oldest live inputs, up to the batch size and the token budget.</summary>
    private List<PendingRequest> Take(BatchingOptions options)
    {
        var batch = new List<PendingRequest>(Math.Min(options.MaxBatchSize, _pending.Count));
        var longest = 0;
        while (batch.Count < options.MaxBatchSize && _pending.TryPeek(out var request))
        {
            if (request.IsCancelled)
            {
                _pending.Dequeue();
                continue;
            }

            var next = Math.Max(longest, request.Input.Count);
            if (batch.Count > 0 && (long)next * (batch.Count + 1) > options.MaxBatchTokens)
            {
                break;
            }

            _pending.Dequeue();
            if (!request.TryDispatch())
            {
                continue; // cancelled a moment ago
            }

            Interlocked.Decrement(ref _queued);
            longest = next;
            batch.Add(request);
        }

        return batch;
    }

    /// <summary>
    /// Sorts and splits the batch, then hands it to the runners: the first part (and any part that finds no
    /// free runner) runs on the slot the dispatcher holds, in turn; every other part that finds a free runner
    /// slot runs there at once. Called with one slot held, which this hands on.
    /// </summary>
    private void Dispatch(List<PendingRequest> batch, BatchingOptions options)
    {
        PendingRequest[] ordered;
        List<Range> parts;
        if (options.SortByLength)
        {
            ordered = [.. batch.OrderBy(r => r.Input.Count)]; // stable: equal lengths keep arrival order
            parts = BatchSplitter.Split(Array.ConvertAll(ordered, r => r.Input.Count));
        }
        else
        {
            ordered = [.. batch];
            parts = [new Range(0, ordered.Length)];
        }

        var groups = new List<List<Range>> { new() { parts[0] } };
        for (var i = 1; i < parts.Count; i++)
        {
            if (_slots.TryAcquire())
            {
                groups.Add([parts[i]]);
            }
            else
            {
                groups[0].Add(parts[i]);
            }
        }

        var posted = 0;
        try
        {
            _runners.EnsureThreads(_slots.InUse);
            for (; posted < groups.Count; posted++)
            {
                var group = groups[posted];
                Interlocked.Increment(ref _inFlight);
                try
                {
                    _runners.Post(() => RunBatch(ordered, group));
                }
                catch
                {
                    Interlocked.Decrement(ref _inFlight);
                    throw;
                }
            }
        }
        catch (Exception ex)
        {
            // Could not hand the work over (no thread could start): answer those callers, give their slots back.
            var failure = new ModelFailedException(Id, ex);
            for (var i = posted; i < groups.Count; i++)
            {
                foreach (var range in groups[i])
                {
                    foreach (var request in ordered.AsSpan(range))
                    {
                        request.Fail(failure);
                    }
                }

                _slots.Release();
            }

            throw;
        }
    }

    /// <summary>Runs on a runner thread; answers every caller of its parts, then frees the slot.</summary>
    private void RunBatch(PendingRequest[] ordered, List<Range> parts)
    {
        try
        {
            foreach (var part in parts)
            {
                var (offset, length) = part.GetOffsetAndLength(ordered.Length);
                RunPart(new ArraySegment<PendingRequest>(ordered, offset, length));
            }
        }
        catch (Exception ex)
        {
            // RunPart answers its callers itself; this is a last guard so no caller is left waiting.
            var failure = new ModelFailedException(Id, ex);
            BatchingLog.BatchFailed(_logger, ex, Id, ordered.Length);
            foreach (var part in parts)
            {
                foreach (var request in ordered.AsSpan(part))
                {
                    request.Fail(failure);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _slots.Release();
        }
    }

    private void RunPart(ArraySegment<PendingRequest> part)
    {
        var count = part.Count;
        var inputs = new TokenizedInput[count];
        var tokenCounts = new int[count];
        long realTokens = 0;
        var longest = 0;
        for (var i = 0; i < count; i++)
        {
            inputs[i] = part[i].Input;
            tokenCounts[i] = inputs[i].Count;
            realTokens += tokenCounts[i];
            longest = Math.Max(longest, tokenCounts[i]);
        }

        var start = _time.GetTimestamp();
        float[][]? vectors = null;
        Exception? error = null;
        try
        {
            vectors = _model.Embed(inputs);
            CheckVectors(vectors, count);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        var inference = _time.GetElapsedTime(start);
        var waits = new TimeSpan[count];
        double waitSum = 0;
        var maxWait = TimeSpan.Zero;
        for (var i = 0; i < count; i++)
        {
            waits[i] = _time.GetElapsedTime(part[i].EnqueuedAt, start);
            waitSum += waits[i].TotalSeconds;
            maxWait = waits[i] > maxWait ? waits[i] : maxWait;
            _metrics.QueueWait.Record(waits[i].TotalSeconds, _modelTag);
        }

        // Record (stats, metrics, observers) before answering, so a caller that looks after its answer sees its batch.
        var paddedTokens = (long)longest * count;
        var report = new BatchReport(Id, count, realTokens, paddedTokens, inference, maxWait, error is not null);
        _stats.RecordBatch(report, tokenCounts, waitSum);
        _metrics.Batches.Add(1, _modelTag);
        _metrics.BatchSize.Record(count, _modelTag);
        _metrics.BatchTokens.Record(paddedTokens, _modelTag);
        _metrics.PaddingEfficiency.Record(report.PaddingEfficiency, _modelTag);
        _metrics.InferenceDuration.Record(inference.TotalSeconds, _modelTag);
        _onBatch(report);

        if (error is not null)
        {
            BatchingLog.BatchFailed(_logger, error, Id, count);
            _metrics.Failed.Add(count, _modelTag);
            var failure = new ModelFailedException(Id, error);
            foreach (var request in part)
            {
                request.Fail(failure);
            }
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                var request = part[i];
                var vector = vectors![i];
                if (request.Normalize)
                {
                    VectorMath.L2Normalize(vector);
                }

                request.Complete(new ModelEmbedding(vector, tokenCounts[i], new BatchTimings(waits[i], inference, count)));
            }
        }
    }

    private void CheckVectors(float[][]? vectors, int count)
    {
        if (vectors is null || vectors.Length != count)
        {
            throw new InvalidOperationException(
                $"Model '{Id}' returned {vectors?.Length ?? 0} vectors for a batch of {count} inputs.");
        }

        foreach (var vector in vectors)
        {
            if (vector is null)
            {
                throw new InvalidOperationException($"Model '{Id}' returned a null vector.");
            }
        }
    }

    /// <summary>After a dispatcher crash: every queued caller gets the error.</summary>
    private void FailQueued(Exception error)
    {
        while (_channel.Reader.TryRead(out var requests))
        {
            foreach (var request in requests)
            {
                _pending.Enqueue(request);
            }
        }

        while (_pending.TryDequeue(out var request))
        {
            if (request.TryDispatch())
            {
                Interlocked.Decrement(ref _queued);
                request.Fail(error);
            }
        }
    }
}
