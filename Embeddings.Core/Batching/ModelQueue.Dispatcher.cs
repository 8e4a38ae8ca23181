using Embeddings.Contracts;
using Embeddings.Core.Models;

namespace Embeddings.Core.Batching;

/// <summary>The dispatcher loop: the only reader of the command channel, the only owner of the pending pool, and the
/// model's side of the shared slots: it claims a slot from the <see cref="InferenceScheduler"/> once a batch is due, and
/// plans the batch only when the slot arrives, from everything waiting then.</summary>
internal sealed partial class ModelQueue
{
    private readonly PendingPool _pool = new();
    private readonly Stack<BatchRunner> _slots = new(); // granted, not yet used
    private Task<bool>? _readWait;
    private bool _stopping;
    private int _poolEntries;

    public int Cap => Options.MaxConcurrentBatches;

    /// <summary>A slot from the scheduler, for the batch this queue said was due.</summary>
    public void Granted(BatchRunner runner) => _commands.Writer.TryWrite(new QueueCommand(Slot: runner));

    private async Task RunAsync()
    {
        try
        {
            await DispatchLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await FailAsync(ex).ConfigureAwait(false);
        }
    }

    private async Task DispatchLoopAsync()
    {
        while (true)
        {
            Drain();
            Steer();
            var options = Effective;
            while (_slots.Count > 0 && TakeDueBatch(options) is { } batch)
            {
                Interlocked.Increment(ref _inFlight);
                _slots.Pop().Run(this, batch);
            }

            ReturnUnusedSlots();
            var (due, full, oldest) = DueNow(options);
            if (due)
            {
                _scheduler.Request(this, full, oldest);
            }
            else
            {
                _scheduler.Withdraw(this);
            }

            Volatile.Write(ref _poolEntries, _pool.Count);
            if (_stopping && Volatile.Read(ref _inFlight) == 0 && !_pool.HasLive())
            {
                _scheduler.Withdraw(this);
                BatchingLog.QueueStopped(_logger, Id);
                return;
            }

            await WaitAsync(options, due).ConfigureAwait(false);
        }
    }

    /// <summary>Reads every command written so far.</summary>
    private void Drain()
    {
        if (_readWait is { IsCompleted: true })
        {
            _readWait = null;
        }

        while (_commands.Reader.TryRead(out var command))
        {
            if (command.Requests is { } requests)
            {
                foreach (var request in requests)
                {
                    _pool.Add(request);
                }
            }
            else if (command.Slot is { } slot)
            {
                _slots.Push(slot);
            }

            _stopping |= command.IsStop;
            if (command.IsAbandon)
            {
                FailAll(_pool.TakeAll(), new ShuttingDownException("The embedding service stopped before this input's turn came (its drain ran out of time)."));
            }
        }

        _pool.CompactIfSparse(QueueDepth);
    }

    /// <summary>Slots granted for a batch that went away meanwhile (its callers left) go back for another model.</summary>
    private void ReturnUnusedSlots()
    {
        while (_slots.TryPop(out var slot))
        {
            _scheduler.Return(this, slot);
        }
    }

    /// <summary>Whether a batch is due now, whether it is full (it could not grow by waiting), and when its oldest input
    /// was enqueued.</summary>
    private (bool Due, bool Full, long Oldest) DueNow(BatchingOptions options)
    {
        var tokens = _pool.Snapshot(out var oldest);
        if (tokens.IsEmpty)
        {
            return (false, false, 0);
        }

        var plan = BatchPlanner.Plan(tokens, options, _model.Descriptor.Memory);
        var full = plan.Full || tokens.Length >= options.MaxBatchSize;
        return (IsDue(options, full, oldest), full, oldest);
    }

    /// <summary>Due when full, once the oldest input has waited <see cref="BatchingOptions.MaxWaitMs"/>, at once when
    /// <see cref="BatchingOptions.DispatchWhenIdle"/> is on and none of the model's batches runs, and always while stopping.</summary>
    private bool IsDue(BatchingOptions options, bool full, long oldest) =>
        _stopping
        || Volatile.Read(ref _noWaiting)
        || full
        || (options.DispatchWhenIdle && Volatile.Read(ref _inFlight) == 0)
        || _time.GetElapsedTime(oldest) >= TimeSpan.FromMilliseconds(options.MaxWaitMs);

    /// <summary>Plans from the whole pool and takes the batch if it is due; null when nothing is due.</summary>
    private PendingRequest[]? TakeDueBatch(BatchingOptions options)
    {
        while (true)
        {
            var tokens = _pool.Snapshot(out var oldest);
            if (tokens.IsEmpty)
            {
                return null;
            }

            var plan = BatchPlanner.Plan(tokens, options, _model.Descriptor.Memory);
            if (!IsDue(options, plan.Full || tokens.Length >= options.MaxBatchSize, oldest))
            {
                return null;
            }

            var batch = _pool.Take(plan.Positions);
            Interlocked.Add(ref _queued, -batch.Count);
            if (batch.Count > 0)
            {
                return [.. batch];
            }

            // Every planned input was cancelled a moment ago: plan again from what is left.
        }
    }

    /// <summary>Waits for the next command (a slot, an input, a finished batch), or, while a batch is not yet due, until
    /// its oldest input is.</summary>
    private async Task WaitAsync(BatchingOptions options, bool due)
    {
        var read = _readWait ??= _commands.Reader.WaitToReadAsync().AsTask();
        if (read.IsCompleted)
        {
            return;
        }

        var tokens = _pool.Snapshot(out var oldest);
        if (tokens.IsEmpty || due)
        {
            Waiting?.Invoke(tokens.Length, null);
            await read.ConfigureAwait(false);
            return;
        }

        var left = TimeSpan.FromMilliseconds(options.MaxWaitMs) - _time.GetElapsedTime(oldest); // measured as the timer starts
        if (left <= TimeSpan.Zero)
        {
            return;
        }

        using var cts = new CancellationTokenSource();
        var delay = Task.Delay(left, _time, cts.Token);
        Waiting?.Invoke(tokens.Length, left); // after the timer exists: a test may move the clock from here
        await Task.WhenAny(read, delay).ConfigureAwait(false);
        await cts.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>After a dispatcher crash: refuse new work, answer every queued caller with the model-failed error, give
    /// back every slot, and wait for the batches in flight to finish (their callers get their answers).</summary>
    private async Task FailAsync(Exception crash)
    {
        lock (_gate)
        {
            _accepting = false;
            Volatile.Write(ref _fault, crash);
        }

        BatchingLog.DispatcherFailed(_logger, crash, Id);
        _scheduler.Withdraw(this);
        var error = new ModelFailedException(Id, crash);
        FailAll(_pool.TakeAll(), error);
        while (true)
        {
            while (_commands.Reader.TryRead(out var command))
            {
                if (command.Requests is { } requests)
                {
                    FailAll(requests, error); // written before admission closed
                }
                else if (command.Slot is { } slot)
                {
                    _scheduler.Return(this, slot);
                }
            }

            ReturnUnusedSlots();
            if (Volatile.Read(ref _inFlight) == 0)
            {
                return;
            }

            await _commands.Reader.WaitToReadAsync().ConfigureAwait(false);
        }
    }

    private void FailAll(IEnumerable<PendingRequest> requests, EmbeddingException error)
    {
        foreach (var request in requests)
        {
            if (request.TryDispatch())
            {
                Interlocked.Decrement(ref _queued);
                request.Fail(error);
            }
        }
    }
}
