namespace Embeddings.Core.Batching;

/// <summary>How many observations fell at or below <paramref name="UpperBound"/> and above the previous bucket's
/// bound. The last bucket has <paramref name="UpperBound"/> null (no bound).</summary>
public sealed record HistogramBucket(int? UpperBound, long Count);
