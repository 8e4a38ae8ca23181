using Embeddings.Contracts;

namespace Embeddings.Admin.Live;

/// <summary>One model at one moment: its stats summed over the replicas, and how many replicas served it.</summary>
public sealed record StatsSample(DateTimeOffset At, ModelLiveStats Total, int Replicas);

/// <summary>Where a model's config version changed within its history: the first sample under the new version.</summary>
public sealed record ConfigChange(DateTimeOffset At, long From, long To)
{
    public static IReadOnlyList<ConfigChange> In(IReadOnlyList<StatsSample> samples)
    {
        var changes = new List<ConfigChange>();
        for (var i = 1; i < samples.Count; i++)
        {
            if (samples[i].Total.ConfigVersion != samples[i - 1].Total.ConfigVersion)
            {
                changes.Add(new ConfigChange(samples[i].At, samples[i - 1].Total.ConfigVersion, samples[i].Total.ConfigVersion));
            }
        }

        return changes;
    }
}
