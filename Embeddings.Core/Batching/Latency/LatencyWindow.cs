namespace Embeddings.Core.Batching.Latency;

/// <summary>The latest latencies of one model's inputs (admission to answer), each with its time, for the p95 of the last
/// few seconds that the controller steers by. A fixed ring: the oldest fall out.</summary>
public sealed class LatencyWindow(TimeProvider time, int capacity = 2048)
{
    private readonly Lock _lock = new();
    private readonly (long At, double Seconds)[] _samples = new (long, double)[capacity];
    private long _count;

    public void Record(double seconds)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            _samples[(int)(_count++ % _samples.Length)] = (now, seconds);
        }
    }

    /// <summary>The p95 of the samples within <paramref name="window"/> (nearest rank), and how many there were; only
    /// those recorded from <paramref name="since"/> (a timestamp) on, when given.</summary>
    public (double P95Seconds, int Samples) P95(TimeSpan window, long since = 0)
    {
        var now = time.GetTimestamp();
        var recent = new List<double>();
        lock (_lock)
        {
            var held = (int)Math.Min(_count, _samples.Length);
            for (var i = 0; i < held; i++)
            {
                if (_samples[i].At >= since && time.GetElapsedTime(_samples[i].At, now) <= window)
                {
                    recent.Add(_samples[i].Seconds);
                }
            }
        }

        if (recent.Count == 0)
        {
            return (0, 0);
        }

        recent.Sort();
        return (recent[Math.Clamp((int)Math.Ceiling(0.95 * recent.Count) - 1, 0, recent.Count - 1)], recent.Count);
    }
}
