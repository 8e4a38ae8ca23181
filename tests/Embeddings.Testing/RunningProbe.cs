namespace Embeddings.Testing;

/// <summary>Batches running now, and the most that ran at once, over every simulated model that shares this probe.</summary>
public sealed class RunningProbe
{
    private int _now;
    private int _most;

    public int Most => Volatile.Read(ref _most);

    public void Enter()
    {
        var now = Interlocked.Increment(ref _now);
        var most = Volatile.Read(ref _most);
        while (now > most && Interlocked.CompareExchange(ref _most, now, most) != most)
        {
            most = Volatile.Read(ref _most);
        }
    }

    public void Exit() => Interlocked.Decrement(ref _now);
}
