namespace Embeddings.Core.Batching;

/// <summary>
/// One runner of a model: a dedicated thread (model calls block, so they stay off the thread pool) that runs the
/// batch it is handed, answers its callers, and then offers itself to the dispatcher for the next one.
/// </summary>
internal sealed class BatchRunner
{
    private readonly ModelQueue _owner;
    private readonly SemaphoreSlim _signal = new(0);
    private PendingRequest[]? _batch;
    private volatile bool _retired;

    public BatchRunner(ModelQueue owner, string name)
    {
        _owner = owner;
        new Thread(Loop) { IsBackground = true, Name = name }.Start();
    }

    /// <summary>Hands over a batch; the runner must be idle.</summary>
    public void Run(PendingRequest[] batch)
    {
        Volatile.Write(ref _batch, batch);
        _signal.Release();
    }

    /// <summary>Lets the thread end; the runner must be idle.</summary>
    public void Retire()
    {
        _retired = true;
        _signal.Release();
    }

    private void Loop()
    {
        while (true)
        {
            _signal.Wait();
            if (_retired)
            {
                _signal.Dispose();
                return;
            }

            _owner.RunBatch(Interlocked.Exchange(ref _batch, null)!);
            _owner.ReturnRunner(this);
        }
    }
}
