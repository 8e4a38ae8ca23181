namespace Embeddings.Core.Batching;

/// <summary>
/// Splits a length-sorted batch into length-homogeneous sub-batches where that cuts padding.
/// <para>
/// Rule: for a run of inputs sorted by token count, find the single cut that minimises padded tokens
/// (longest x count, summed over both sides). Cut there when it saves at least
/// <see cref="MinSavingFraction"/> of the run's padded tokens and at least <see cref="MinSavingTokens"/>
/// tokens (a second model call has a fixed cost of its own); then apply the same rule to each side.
/// </para>
/// </summary>
internal static class BatchSplitter
{
    /// <summary>A cut must save at least this share of the run's padded tokens.</summary>
    public const double MinSavingFraction = 0.25;

    /// <summary>A cut must save at least this many padded tokens.</summary>
    public const int MinSavingTokens = 64;

    /// <summary>Returns the sub-batches as ranges over <paramref name="sortedLengths"/> (ascending), in order.</summary>
    public static List<Range> Split(IReadOnlyList<int> sortedLengths)
    {
        var ranges = new List<Range>();
        if (sortedLengths.Count > 0)
        {
            SplitRun(sortedLengths, 0, sortedLengths.Count, ranges);
        }

        return ranges;
    }

    /// <summary>Padded tokens of a run: its longest input times its count.</summary>
    public static long PaddedTokens(IReadOnlyList<int> sortedLengths, int start, int end) =>
        end <= start ? 0 : (long)sortedLengths[end - 1] * (end - start);

    private static void SplitRun(IReadOnlyList<int> lengths, int start, int end, List<Range> ranges)
    {
        var whole = PaddedTokens(lengths, start, end);
        var bestCut = -1;
        var bestCost = whole;
        for (var cut = start + 1; cut < end; cut++)
        {
            var cost = PaddedTokens(lengths, start, cut) + PaddedTokens(lengths, cut, end);
            if (cost < bestCost)
            {
                bestCost = cost;
                bestCut = cut;
            }
        }

        var saving = whole - bestCost;
        if (bestCut < 0 || saving < MinSavingTokens || saving < whole * MinSavingFraction)
        {
            ranges.Add(new Range(start, end));
            return;
        }

        SplitRun(lengths, start, bestCut, ranges);
        SplitRun(lengths, bestCut, end, ranges);
    }
}
