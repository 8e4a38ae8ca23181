namespace Embeddings.Admin.Live;

/// <summary>
/// Tells a page when the config version it shows has fallen behind the live one (the highest any replica reports, at
/// every poll), so that it reads the model again. It asks for a read when the live version has moved since its last
/// look and is above the one shown:
/// <list type="bullet">
/// <item>only on a move, so replicas that disagree for a moment, or a read that landed on a replica not yet caught up,
/// cannot make the page read every second;</item>
/// <item>the first look counts as a move, so a change that landed between the page's read and the first poll after it
/// is not missed;</item>
/// <item>a read that failed is asked for again at the next look.</item>
/// </list>
/// Not thread-safe: one caller (a component's dispatcher, or the one poller).
/// </summary>
public sealed class ConfigVersionWatch
{
    private long? _seen;

    /// <summary>Whether to read again, given the <paramref name="live"/> version (null: no replica reports the model)
    /// and the one <paramref name="shown"/> (null: nothing shown yet, which is not this watch's business).</summary>
    public bool ShouldRead(long? live, long? shown)
    {
        if (live is not { } now || now == _seen)
        {
            return false;
        }

        _seen = now;
        return shown is { } version && now > version;
    }

    /// <summary>The read this watch asked for failed: ask again at the next look.</summary>
    public void ReadFailed() => _seen = null;
}
