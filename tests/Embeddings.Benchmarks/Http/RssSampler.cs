using System.Diagnostics;
using System.Globalization;

namespace Embeddings.Benchmarks.Http;

/// <summary>
/// Samples a process's resident set (VmRSS in /proc/&lt;pid&gt;/status) on a timer and keeps the samples, so a run can
/// report its peak and a soak can see whether memory drifts. Reads nothing (and reports null) off Linux.
/// </summary>
public sealed class RssSampler : IDisposable
{
    private readonly int _pid;
    private readonly List<(double Seconds, long Bytes)> _samples = [];
    private readonly Lock _gate = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Timer _timer;

    public RssSampler(int pid, TimeSpan interval)
    {
        _pid = pid;
        Sample();
        _timer = new Timer(_ => Sample(), null, interval, interval);
    }

    /// <summary>The largest sample so far, in bytes; null when none could be read.</summary>
    public long? Peak
    {
        get
        {
            lock (_gate)
            {
                return _samples.Count == 0 ? null : _samples.Max(s => s.Bytes);
            }
        }
    }

    public IReadOnlyList<(double Seconds, long Bytes)> Samples
    {
        get
        {
            lock (_gate)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>A field of /proc/&lt;pid&gt;/status in bytes (for example VmRSS, VmHWM); null when unreadable.</summary>
    public static long? ReadStatusBytes(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    var kb = line[(field.Length + 1)..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    public void Sample()
    {
        if (ReadStatusBytes(_pid, "VmRSS") is { } bytes)
        {
            lock (_gate)
            {
                _samples.Add((Stopwatch.GetElapsedTime(_started).TotalSeconds, bytes));
            }
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        Sample();
    }
}
