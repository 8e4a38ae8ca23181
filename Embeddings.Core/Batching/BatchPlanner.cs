using System.Buffers;
using Embeddings.Contracts;

namespace Embeddings.Core.Batching;

/// <summary>The next batch: positions among the waiting inputs (in the order the model gets them), and whether a
/// limit stopped it, so that waiting longer could not make it bigger.</summary>
public readonly record struct BatchPlan(int[] Positions, bool Full);

/// <summary>
/// Chooses the next batch from everything that waits. A pure function of the waiting inputs' token counts (oldest
/// first) and the options, with no clock and no threads.
/// <list type="bullet">
/// <item>The oldest input (the anchor) is always in it, so nothing starves.</item>
/// <item>With <see cref="BatchingOptions.SortByLength"/>, the other inputs join closest in token count to the anchor
/// first (ties: oldest first), and the batch goes to the model shortest first. Without it, they join in arrival
/// order: the baseline to measure against.</item>
/// <item>It stops at <see cref="BatchingOptions.MaxBatchSize"/>, before the padded cost (longest × count) would pass
/// <see cref="BatchingOptions.MaxBatchTokens"/> or the model's working memory would pass its budget
/// (<see cref="BatchMemory"/>; an over-budget anchor goes alone), and, when sorting, before the padding efficiency
/// (real ÷ padded tokens) would fall below <see cref="BatchingOptions.MinPaddingEfficiency"/>.</item>
/// </list>
/// </summary>
public static class BatchPlanner
{
    public static BatchPlan Plan(ReadOnlySpan<int> tokenCounts, BatchingOptions options, BatchMemory? memory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        memory ??= BatchMemory.Unlimited;
        if (tokenCounts.IsEmpty)
        {
            return new BatchPlan([], Full: false);
        }

        if (options.MaxBatchSize == 1)
        {
            return new BatchPlan([0], Full: true); // nothing to choose
        }

        var candidates = ArrayPool<long>.Shared.Rent(tokenCounts.Length - 1);
        try
        {
            var order = CandidateOrder(tokenCounts, options.SortByLength, candidates.AsSpan(0, tokenCounts.Length - 1));
            var floor = options.SortByLength ? options.MinPaddingEfficiency : 0;
            return Grow(tokenCounts, order, new Limits(options.MaxBatchSize, options.MaxBatchTokens, memory), floor, options.SortByLength);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(candidates);
        }
    }

    /// <summary>The most inputs of <paramref name="tokens"/> tokens each that one batch may hold under every limit:
    /// the batch size, the token budget and the working memory (at least one: an input over a limit goes alone).</summary>
    public static int LargestBatch(int tokens, BatchingOptions options, BatchMemory memory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(memory);
        var limits = new Limits(options.MaxBatchSize, options.MaxBatchTokens, memory);
        var count = Math.Min(options.MaxBatchSize, Math.Max(1, Math.Min(options.MaxBatchTokens / Math.Max(tokens, 1), memory.MaxCount(tokens))));
        return limits.Allow(count, tokens) ? count : 1;
    }

    /// <summary>Positions 1..n-1 in the order they may join: by distance in tokens from the anchor, then by age;
    /// or by age alone. Each is packed as distance &lt;&lt; 32 | position, so one sort orders both.</summary>
    private static ReadOnlySpan<long> CandidateOrder(ReadOnlySpan<int> tokenCounts, bool byDistance, Span<long> order)
    {
        var anchor = tokenCounts[0];
        for (var position = 1; position < tokenCounts.Length; position++)
        {
            var distance = byDistance ? (long)Math.Abs(tokenCounts[position] - anchor) : 0;
            order[position - 1] = (distance << 32) | (uint)position;
        }

        if (byDistance)
        {
            order.Sort();
        }

        return order;
    }

    /// <summary>The one budget loop: adds candidates in order until a limit or the efficiency floor stops it.</summary>
    private static BatchPlan Grow(ReadOnlySpan<int> tokenCounts, ReadOnlySpan<long> order, Limits limits, double floor, bool sortByLength)
    {
        var chosen = new List<int>(Math.Min(limits.MaxSize, tokenCounts.Length)) { 0 };
        var longest = tokenCounts[0];
        long realTokens = longest;
        var full = false;
        foreach (var packed in order)
        {
            var position = (int)(packed & uint.MaxValue);
            var tokens = tokenCounts[position];
            var count = chosen.Count + 1;
            var nextLongest = Math.Max(longest, tokens);
            var padded = (long)nextLongest * count;
            if (!limits.Allow(count, nextLongest))
            {
                full = true;
                break;
            }

            if (realTokens + tokens < floor * padded)
            {
                break;
            }

            chosen.Add(position);
            longest = nextLongest;
            realTokens += tokens;
        }

        // Also full when not even a one-token input could join any more.
        full |= !limits.Allow(chosen.Count + 1, longest);
        var positions = chosen.ToArray();
        if (sortByLength)
        {
            var byLength = new long[positions.Length];
            for (var i = 0; i < positions.Length; i++)
            {
                byLength[i] = ((long)tokenCounts[positions[i]] << 32) | (uint)positions[i];
            }

            Array.Sort(byLength, positions); // shortest first; equal lengths oldest first
        }

        return new BatchPlan(positions, full);
    }

    /// <summary>What a batch may not pass: its size, its padded tokens, its working memory.</summary>
    private readonly record struct Limits(int MaxSize, int MaxTokens, BatchMemory Memory)
    {
        public bool Allow(int count, int longest) =>
            count <= MaxSize && (long)longest * count <= MaxTokens && Memory.Fits(count, longest);
    }
}
