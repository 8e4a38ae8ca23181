namespace Embeddings.Core.Batching;

/// <summary>
/// Counts the batches of one model that run at once, against a limit that may change live.
/// Only the model's dispatcher acquires (one waiter at most); runners release.
/// Lowering the limit lets running batches finish; raising it frees a waiting dispatcher at once.
/// </summary>
internal sealed class RunnerSlots
{
    private readonly Lock _lock = new();
    private int _inUse;
    private int _limit;
    private TaskCompletionSource? _waiter;
    private TaskCompletionSource? _idle;

    public RunnerSlots(int limit) => _limit = limit;

    public int InUse
    {
        get
        {
            lock (_lock)
            {
                return _inUse;
            }
        }
    }

    /// <summary>Completes when a slot is granted to the caller.</summary>
    public Task AcquireAsync()
    {
        lock (_lock)
        {
            if (_inUse < _limit)
            {
                _inUse++;
                return Task.CompletedTask;
            }

            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiter.Task;
        }
    }

    /// <summary>Takes a free slot if there is one, without waiting.</summary>
    public bool TryAcquire()
    {
        lock (_lock)
        {
            if (_waiter is not null || _inUse >= _limit)
            {
                return false;
            }

            _inUse++;
            return true;
        }
    }

    public void Release()
    {
        TaskCompletionSource? grant;
        TaskCompletionSource? idle = null;
        lock (_lock)
        {
            _inUse--;
            grant = GrantLocked();
            if (_inUse == 0)
            {
                idle = _idle;
                _idle = null;
            }
        }

        grant?.TrySetResult();
        idle?.TrySetResult();
    }

    public void SetLimit(int limit)
    {
        TaskCompletionSource? grant;
        lock (_lock)
        {
            _limit = limit;
            grant = GrantLocked();
        }

        grant?.TrySetResult();
    }

    /// <summary>Completes once no slot is in use.</summary>
    public Task WhenIdleAsync()
    {
        lock (_lock)
        {
            if (_inUse == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    private TaskCompletionSource? GrantLocked()
    {
        if (_waiter is null || _inUse >= _limit)
        {
            return null;
        }

        _inUse++;
        var grant = _waiter;
        _waiter = null;
        return grant;
    }
}
