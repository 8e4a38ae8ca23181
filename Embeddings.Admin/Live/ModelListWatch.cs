using Embeddings.Contracts;

namespace Embeddings.Admin.Live;

/// <summary>Tells the poller when to read the model list (<c>GET /models</c>) again: before it has one, when the stats
/// name a model the list lacks, and when a model's config version moved past the listed one (a
/// <see cref="ConfigVersionWatch"/> per model), so the overview's config column does not stay at the version it first
/// read. Not thread-safe: the one poller calls it.</summary>
public sealed class ModelListWatch
{
    private readonly Dictionary<string, ConfigVersionWatch> _watches = new(StringComparer.OrdinalIgnoreCase);

    public bool ShouldRead(ClusterStats stats, IReadOnlyList<ModelInfo>? listed)
    {
        if (listed is null)
        {
            return true;
        }

        var read = false;
        foreach (var total in stats.Total)
        {
            var model = listed.FirstOrDefault(m => string.Equals(m.Id, total.Model, StringComparison.OrdinalIgnoreCase));
            if (!_watches.TryGetValue(total.Model, out var watch))
            {
                _watches[total.Model] = watch = new ConfigVersionWatch();
            }

            // Every model's watch looks at every poll (no short cut), so each one's last look stays current.
            read |= watch.ShouldRead(total.ConfigVersion, model?.Config.Version) || model is null;
        }

        return read;
    }

    /// <summary>The read asked for failed: every model asks again at the next poll.</summary>
    public void ReadFailed()
    {
        foreach (var watch in _watches.Values)
        {
            watch.ReadFailed();
        }
    }
}
