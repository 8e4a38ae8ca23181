using System.Text.Json.Serialization;

namespace Embeddings.Contracts;

/// <summary>
/// Observations per bucket of a histogram, as Prometheus keeps them: <see cref="Counts"/>[i] fell in
/// (<see cref="UpperBounds"/>[i-1], <see cref="UpperBounds"/>[i]], and the last count is the +Inf bucket. Counts are
/// per bucket, not cumulative. Windows of several replicas add up (<see cref="Sum"/>), and <see cref="Quantile"/> reads
/// them with <c>histogram_quantile</c>'s maths, so the cluster's percentiles are those Prometheus would give.
/// </summary>
public sealed record BucketCounts(IReadOnlyList<double> UpperBounds, IReadOnlyList<long> Counts)
{
    /// <summary>All observations.</summary>
    [JsonIgnore]
    public long Total => Counts.Sum();

    /// <summary>The bucket a value falls in: the first whose upper bound is at or above it (Prometheus's <c>le</c>).</summary>
    public static int BucketOf(IReadOnlyList<double> upperBounds, double value)
    {
        ArgumentNullException.ThrowIfNull(upperBounds);
        var bucket = 0;
        while (bucket < upperBounds.Count && value > upperBounds[bucket])
        {
            bucket++;
        }

        return bucket;
    }

    /// <summary>
    /// The <paramref name="q"/>-quantile (0..1) as Prometheus's <c>histogram_quantile</c> estimates it: the first bucket
    /// whose cumulative count reaches q × total, interpolated linearly within it (the lowest bucket starts at 0); in the
    /// +Inf bucket, the highest finite bound. 0 when there are no observations (where Prometheus gives NaN).
    /// </summary>
    public double Quantile(double q)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1);
        var total = Total;
        if (total == 0)
        {
            return 0;
        }

        // The same steps, in the same order, as Prometheus's bucketQuantile, so the floating point agrees too.
        var rank = q * total;
        var bucket = 0;
        long below = 0;
        while (bucket < UpperBounds.Count && below + Counts[bucket] < rank)
        {
            below += Counts[bucket];
            bucket++;
        }

        if (bucket == UpperBounds.Count)
        {
            return UpperBounds[^1];
        }

        if (bucket == 0 && UpperBounds[0] <= 0)
        {
            return UpperBounds[0];
        }

        var start = bucket == 0 ? 0 : UpperBounds[bucket - 1];
        var end = UpperBounds[bucket];
        double count = Counts[bucket];
        if (bucket > 0)
        {
            rank -= below;
        }

        return start + ((end - start) * (rank / count));
    }

    /// <summary>What was observed since <paramref name="earlier"/>, a snapshot of the same counts taken before.</summary>
    public BucketCounts Since(BucketCounts earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        EnsureSameBuckets(earlier);
        return this with { Counts = [.. Counts.Select((count, i) => count - earlier.Counts[i])] };
    }

    /// <summary>
    /// The counts of several histograms with the same buckets added up, as <c>sum by (le)</c> does; null when there are
    /// none. A histogram with other buckets (from a replica of another version) is left out rather than mixed in.
    /// </summary>
    public static BucketCounts? Sum(IEnumerable<BucketCounts?> histograms)
    {
        ArgumentNullException.ThrowIfNull(histograms);
        BucketCounts? sum = null;
        foreach (var histogram in histograms.OfType<BucketCounts>())
        {
            if (sum is null)
            {
                sum = histogram;
            }
            else if (sum.UpperBounds.SequenceEqual(histogram.UpperBounds))
            {
                sum = sum with { Counts = [.. sum.Counts.Select((count, i) => count + histogram.Counts[i])] };
            }
        }

        return sum;
    }

    private void EnsureSameBuckets(BucketCounts other)
    {
        if (!UpperBounds.SequenceEqual(other.UpperBounds) || Counts.Count != other.Counts.Count)
        {
            throw new ArgumentException("The histograms have different buckets.", nameof(other));
        }
    }
}
