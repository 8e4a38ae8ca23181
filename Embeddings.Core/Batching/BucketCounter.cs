using Embeddings.Contracts;

namespace Embeddings.Core.Batching;

/// <summary>
/// Observations per bucket since start, lock-free: the same buckets, and the same counts, as the Prometheus histogram
/// recorded beside it. The live stats take a <see cref="Snapshot"/> each second and read the last few seconds as the
/// difference of two (<see cref="BucketCounts.Since"/>), as <c>rate()</c> does.
/// </summary>
public sealed class BucketCounter(IReadOnlyList<double> upperBounds)
{
    private readonly double[] _upperBounds = [.. upperBounds];
    private readonly long[] _counts = new long[upperBounds.Count + 1];

    public void Record(double value) => Interlocked.Increment(ref _counts[BucketCounts.BucketOf(_upperBounds, value)]);

    public BucketCounts Snapshot() => new(_upperBounds, [.. _counts.Select((_, i) => Interlocked.Read(ref _counts[i]))]);
}
