using Embeddings.Contracts;
using Embeddings.Core.Models;

namespace Embeddings.Core.Batching;

/// <summary>The dispatcher loop: the only reader of the command channel, and the only owner of the pending pool and
/// of the runners' comings and goings.</summary>
internal sealed partial class ModelQueue
{
    private readonly PendingPool _pool = new();
    private readonly List<BatchRunner> _runners = [];
    private readonly Stack<BatchRunner> _idle = new();
    private Task<bool>? _readWait;
    private bool _stopping;
    private int _poolEntries;

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
        finally
        {
            foreach (var runner in _runners)
            {
                runner.Retire();
            }
        }
    }

    private async Task DispatchLoopAsync()
    {
        while (true)
        {
            Drain();
            var options = Options;
            StartOrRetireRunners(options);
            while (_idle.Count > 0 && TakeDueBatch(options) is { } batch)
            {
                Interlocked.Increment(ref _inFlight);
                _idle.Pop().Run(batch);
            }

            Volatile.Write(ref _poolEntries, _pool.Count);
            if (_stopping && _idle.Count == _runners.Count && !_pool.HasLive())
            {
                BatchingLog.QueueStopped(_logger, Id);
                return;
            }

            await WaitAsync(options).ConfigureAwait(false);
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
            else if (command.FreeRunner is { } runner)
            {
                Interlocked.Decrement(ref _inFlight);
                _idle.Push(runner);
            }

            _stopping |= command.IsStop;
            if (command.IsAbandon)
            {
                FailAll(_pool.TakeAll(), new ShuttingDownException("The embedding service stopped before this input's turn came (its drain ran out of time)."));
            }
        }

        _pool.CompactIfSparse(QueueDepth);
    }

    /// <summary>Keeps <see cref="BatchingOptions.MaxConcurrentBatches"/> runners: new ones start idle; extra ones
    /// retire once idle, so a lower limit lets running batches finish.</summary>
    private void StartOrRetireRunners(BatchingOptions options)
    {
        while (_runners.Count < options.MaxConcurrentBatches)
        {
            var runner = new BatchRunner(this, $"embed {Id} #{_runners.Count + 1}");
            _runners.Add(runner);
            _idle.Push(runner);
        }

        while (_runners.Count > options.MaxConcurrentBatches && _idle.TryPop(out var extra))
        {
            _runners.Remove(extra);
            extra.Retire();
        }
    }

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
            var due = _stopping
                || Volatile.Read(ref _noWaiting)
                || plan.Full
                || tokens.Length >= options.MaxBatchSize
                || (options.DispatchWhenIdle && _idle.Count == _runners.Count)
                || _time.GetElapsedTime(oldest) >= TimeSpan.FromMilliseconds(options.MaxWaitMs);
            if (!due)
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

    /// <summary>Waits for the next command, or until the oldest input is due when a runner is free to take it.</summary>
    private async Task WaitAsync(BatchingOptions options)
    {
        var read = _readWait ??= _commands.Reader.WaitToReadAsync().AsTask();
        if (read.IsCompleted)
        {
            return;
        }

        var tokens = _pool.Snapshot(out var oldest);
        if (tokens.IsEmpty || _idle.Count == 0)
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

    /// <summary>After a dispatcher crash: refuse new work, answer every queued caller with the model-failed error,
    /// and wait for the batches in flight to finish (their callers get their answers).</summary>
    private async Task FailAsync(Exception crash)
    {
        lock (_gate)
        {
            _accepting = false;
            Volatile.Write(ref _fault, crash);
        }

        BatchingLog.DispatcherFailed(_logger, crash, Id);
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
                else if (command.FreeRunner is not null)
                {
                    Interlocked.Decrement(ref _inFlight);
                }
            }

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
