namespace Embeddings.Core.Batching;

/// <summary>
/// The most recent samples of one measure (up to a fixed count), each with its time, for percentiles over the last
/// few seconds: what the live stats show, where the cumulative histograms on /metrics cannot say "now".
/// </summary>
public sealed class SampleWindow(TimeProvider time, int capacity = 4096)
{
    private readonly Lock _lock = new();
    private readonly long[] _at = new long[capacity];
    private readonly double[] _values = new double[capacity];
    private long _count;

    public void Record(double value)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            var slot = (int)(_count++ % _at.Length);
            _at[slot] = now;
            _values[slot] = value;
        }
    }

    /// <summary>The <paramref name="quantiles"/> (0..1, nearest rank) of the samples taken within <paramref name="window"/>;
    /// zeros when there are none.</summary>
    public double[] Percentiles(TimeSpan window, params ReadOnlySpan<double> quantiles)
    {
        var recent = new List<double>();
        var now = time.GetTimestamp();
        lock (_lock)
        {
            var held = (int)Math.Min(_count, _at.Length);
            for (var i = 0; i < held; i++)
            {
                if (time.GetElapsedTime(_at[i], now) <= window)
                {
                    recent.Add(_values[i]);
                }
            }
        }

        recent.Sort();
        var result = new double[quantiles.Length];
        for (var q = 0; q < quantiles.Length && recent.Count > 0; q++)
        {
            result[q] = recent[Math.Clamp((int)Math.Ceiling(quantiles[q] * recent.Count) - 1, 0, recent.Count - 1)];
        }

        return result;
    }
}
