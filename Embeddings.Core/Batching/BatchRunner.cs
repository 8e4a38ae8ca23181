namespace Embeddings.Core.Batching;

/// <summary>
/// One inference slot: a dedicated thread (model calls block, so they stay off the thread pool) that runs the batch it
/// is handed, for whichever model the scheduler gave it to, tells that model its batch is done, and goes back to the
/// scheduler for the next.
/// </summary>
internal sealed class BatchRunner
{
    private readonly InferenceScheduler _scheduler;
    private readonly SemaphoreSlim _signal = new(0);
    private Work? _work;
    private volatile bool _retired;

    internal BatchRunner(InferenceScheduler scheduler, string name)
    {
        _scheduler = scheduler;
        new Thread(Loop) { IsBackground = true, Name = name }.Start();
    }

    /// <summary>Hands over a batch of <paramref name="queue"/>; the runner must be idle.</summary>
    internal void Run(ModelQueue queue, PendingRequest[] batch)
    {
        Volatile.Write(ref _work, new Work(queue, batch));
        _signal.Release();
    }

    /// <summary>Lets the thread end once idle.</summary>
    internal void Retire()
    {
        _retired = true;
        _signal.Release();
    }

    private void Loop()
    {
        while (true)
        {
            _signal.Wait();
            if (Interlocked.Exchange(ref _work, null) is { } work)
            {
                var paddedTokens = work.Queue.RunBatch(work.Batch);
                work.Queue.BatchFinished();
                _scheduler.Finished(work.Queue, this, paddedTokens);
            }
            else if (_retired)
            {
                _signal.Dispose();
                return;
            }
        }
    }

    private sealed record Work(ModelQueue Queue, PendingRequest[] Batch);
}
