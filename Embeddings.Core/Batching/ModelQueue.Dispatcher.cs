using Embeddings.Core.Models;

namespace Embeddings.Core.Batching;

/// <summary>The dispatcher loop: the only reader of the channel and the only owner of the pending list.</summary>
internal sealed partial class ModelQueue
{
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
            var idle = options.DispatchWhenIdle && InFlightBatches == 0;
            if (!_inputDone && !idle && _time.GetElapsedTime(oldest) < maxWait && !IsFull(options))
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
