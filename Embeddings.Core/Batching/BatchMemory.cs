using Embeddings.Core.Models;

namespace Embeddings.Core.Batching;

/// <summary>
/// What one batch of a model costs in working memory, and the most it may cost: the planner never plans a batch
/// over <see cref="BudgetBytes"/> (a single input over it still runs, alone), whatever the batching options say.
/// <para>
/// Measured with ONNX Runtime 1.31 on the CPU (all-MiniLM-L6-v2: 384 hidden, 1536 feed-forward, 12 heads), a batch
/// of <c>n</c> inputs padded to <c>s</c> tokens raises peak memory by about <c>n × (19 KB × s + 55 B × s²)</c>: the
/// activations of a layer per token, and the attention scores per pair of tokens. The estimate here takes 3 float
/// vectors of hidden plus feed-forward size per token and 1.5 floats per head per token pair, about 20% above what
/// was measured, so it errs on the side of the machine.
/// </para>
/// </summary>
public sealed record BatchMemory(long BytesPerToken, long BytesPerTokenPair, long BudgetBytes)
{
    /// <summary>No cap (models whose cost is not known, such as test doubles).</summary>
    public static BatchMemory Unlimited { get; } = new(0, 0, long.MaxValue);

    public static BatchMemory For(ModelShape shape, int budgetMegabytes)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new BatchMemory(
            BytesPerToken: 3L * sizeof(float) * (shape.Hidden + shape.Intermediate),
            BytesPerTokenPair: 3L * shape.Heads * sizeof(float) / 2,
            BudgetBytes: budgetMegabytes * 1024L * 1024);
    }

    /// <summary>The working memory of <paramref name="count"/> inputs padded to <paramref name="longest"/> tokens.</summary>
    public long Bytes(int count, int longest) => count * ((longest * BytesPerToken) + ((long)longest * longest * BytesPerTokenPair));

    /// <summary>Whether such a batch stays within the budget.</summary>
    public bool Fits(int count, int longest) => Bytes(count, longest) <= BudgetBytes;

    /// <summary>The most inputs of <paramref name="longest"/> tokens one batch may hold: at least one.</summary>
    public int MaxCount(int longest)
    {
        var one = Bytes(1, longest);
        return one == 0 ? int.MaxValue : (int)Math.Clamp(BudgetBytes / one, 1, int.MaxValue);
    }
}
