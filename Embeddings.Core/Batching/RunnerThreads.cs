using System.Collections.Concurrent;

namespace Embeddings.Core.Batching;

/// <summary>
/// Dedicated threads (not thread-pool threads) that run one model's blocking inference calls.
/// The dispatcher grows the pool to the number of batches it lets run at once, so a granted runner slot
/// always finds an idle thread; threads end when the pool is completed. The collection is never disposed:
/// it holds no wait handle, and a thread may still be leaving it when the queue reports done.
/// </summary>
internal sealed class RunnerThreads
{
    private readonly BlockingCollection<Action> _work = new(new ConcurrentQueue<Action>());
    private readonly string _name;
    private int _threads;

    public RunnerThreads(string name) => _name = name;

    /// <summary>Starts threads until there are at least <paramref name="count"/>. Dispatcher thread only.</summary>
    public void EnsureThreads(int count)
    {
        while (_threads < count)
        {
            _threads++;
            var thread = new Thread(Loop)
            {
                IsBackground = true,
                Name = $"embed {_name} #{_threads}",
            };
            thread.Start();
        }
    }

    /// <summary>Queues one unit of work; it must not throw.</summary>
    public void Post(Action work) => _work.Add(work);

    /// <summary>Lets the threads end once the queued work is done.</summary>
    public void Complete() => _work.CompleteAdding();

    private void Loop()
    {
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }
}
