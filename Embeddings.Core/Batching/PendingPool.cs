using System.Runtime.InteropServices;

namespace Embeddings.Core.Batching;

/// <summary>
/// A model's waiting inputs in arrival order, owned by its dispatcher. Cancelled entries leave lazily: a snapshot
/// skips them, and the list is compacted whenever it holds more than twice the live entries, so memory stays bounded.
/// </summary>
internal sealed class PendingPool
{
    private readonly List<PendingRequest> _entries = [];
    private readonly List<int> _livePositions = []; // entry index of each position in the last snapshot
    private readonly List<int> _liveTokens = [];

    /// <summary>Entries held, cancelled ones included.</summary>
    public int Count => _entries.Count;

    public void Add(PendingRequest request) => _entries.Add(request);

    /// <summary>Drops cancelled entries once they could outnumber the live ones.</summary>
    public void CompactIfSparse(int live)
    {
        if (_entries.Count > (2 * live) + 64)
        {
            _entries.RemoveAll(r => r.IsCancelled);
        }
    }

    /// <summary>Drops every cancelled entry; true when a live one is left.</summary>
    public bool HasLive()
    {
        _entries.RemoveAll(r => r.IsCancelled);
        return _entries.Count > 0;
    }

    /// <summary>Token counts of the live entries, oldest first, and the oldest one's enqueue timestamp.
    /// Positions in it are what <see cref="Take"/> accepts, until the pool next changes.</summary>
    public ReadOnlySpan<int> Snapshot(out long oldestEnqueuedAt)
    {
        _livePositions.Clear();
        _liveTokens.Clear();
        oldestEnqueuedAt = 0;
        for (var i = 0; i < _entries.Count; i++)
        {
            var entry = _entries[i];
            if (entry.IsCancelled)
            {
                continue;
            }

            if (_livePositions.Count == 0)
            {
                oldestEnqueuedAt = entry.EnqueuedAt;
            }

            _livePositions.Add(i);
            _liveTokens.Add(entry.Input.Count);
        }

        return CollectionsMarshal.AsSpan(_liveTokens);
    }

    /// <summary>Removes the planned entries from the pool and claims them; an entry cancelled since the snapshot is
    /// dropped. Returns the claimed ones in plan order.</summary>
    public List<PendingRequest> Take(ReadOnlySpan<int> positions)
    {
        var claimed = new List<PendingRequest>(positions.Length);
        foreach (var position in positions)
        {
            var entry = _entries[_livePositions[position]];
            if (entry.TryDispatch())
            {
                claimed.Add(entry);
            }
        }

        _entries.RemoveAll(r => !r.IsQueued); // the claimed ones, and any cancelled meanwhile
        _livePositions.Clear();
        _liveTokens.Clear();
        return claimed;
    }

    /// <summary>Takes every entry out (after a failure or at the end); the caller claims what is still live.</summary>
    public List<PendingRequest> TakeAll()
    {
        var all = new List<PendingRequest>(_entries);
        _entries.Clear();
        _livePositions.Clear();
        _liveTokens.Clear();
        return all;
    }
}
