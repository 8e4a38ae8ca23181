using Embeddings.Contracts;

namespace Embeddings.Admin.Live;

/// <summary>
/// What the admin knows of the API now (<see cref="Current"/>) and each model's last <see cref="HistoryLength"/> of
/// stats, shared by every page and circuit. <see cref="ApiMonitor"/> fills it once a second; pages render from it and
/// re-render on <see cref="Changed"/>, so opening a page shows the history at once.
/// </summary>
public sealed class LiveStats
{
    public static readonly TimeSpan HistoryLength = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<StatsSample>> _history = new(StringComparer.OrdinalIgnoreCase);
    private LiveSnapshot _current = LiveSnapshot.Empty;

    /// <summary>Raised after every poll, on the poller's thread. Handlers must be quick and must not throw.</summary>
    public event Action? Changed;

    public LiveSnapshot Current => Volatile.Read(ref _current);

    /// <summary>The model's samples of the last <see cref="HistoryLength"/>, oldest first.</summary>
    public IReadOnlyList<StatsSample> History(string model)
    {
        lock (_gate)
        {
            return _history.TryGetValue(model, out var samples) ? [.. samples] : [];
        }
    }

    /// <summary>A poll that reached the API.</summary>
    public void Record(DateTimeOffset checkedAt, string health, ClusterStats stats, IReadOnlyList<ModelInfo>? models)
    {
        lock (_gate)
        {
            foreach (var total in stats.Total)
            {
                if (!_history.TryGetValue(total.Model, out var samples))
                {
                    _history[total.Model] = samples = new Queue<StatsSample>();
                }

                var replicas = stats.Replicas.Count(r => r.Models.Any(m => string.Equals(m.Model, total.Model, StringComparison.OrdinalIgnoreCase)));
                samples.Enqueue(new StatsSample(stats.At, total, replicas));
            }

            foreach (var samples in _history.Values)
            {
                while (samples.TryPeek(out var oldest) && stats.At - oldest.At > HistoryLength)
                {
                    samples.Dequeue();
                }
            }

            Volatile.Write(ref _current, new LiveSnapshot(checkedAt, health, models ?? _current.Models, stats, null, null));
        }

        Changed?.Invoke();
    }

    /// <summary>A poll that did not reach the API (or got no usable answer): the last data stays, with the reason.</summary>
    public void RecordFailure(DateTimeOffset checkedAt, string error)
    {
        lock (_gate)
        {
            Volatile.Write(ref _current, _current with
            {
                CheckedAt = checkedAt,
                Error = error,
                FailingSince = _current.FailingSince ?? checkedAt,
            });
        }

        Changed?.Invoke();
    }
}
