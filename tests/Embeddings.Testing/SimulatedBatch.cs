using Embeddings.Core.Models;

namespace Embeddings.Testing;

/// <summary>One batch a <see cref="SimulatedEmbeddingModel"/> ran: its finishing order, token counts in the order received, and
/// <see cref="System.Diagnostics.Stopwatch"/> timestamps of its start and end.</summary>
public sealed record SimulatedBatch(int Sequence, IReadOnlyList<int> TokenCounts, long StartTimestamp, long EndTimestamp, bool Failed)
{
    public int Size => TokenCounts.Count;

    public long RealTokens => TokenCounts.Sum(t => (long)t);

    public long PaddedTokens => TokenCounts.Count == 0 ? 0 : (long)TokenCounts.Max() * TokenCounts.Count;
}
