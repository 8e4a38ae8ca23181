namespace Embeddings.Core.Batching.Latency;

/// <summary>
/// What a batch of one model costs in time, learnt from its recent batches: seconds ≈ <see cref="CostLine.Fixed"/> +
/// <see cref="CostLine.PerToken"/> × padded tokens, the least-squares line through the last <see cref="Window"/> batches
/// (on the CPU a batch's time grows with its padded tokens; the fixed part is the call itself), and the padded tokens
/// an input brings on average. Thread-safe: runners record, the dispatcher reads.
/// </summary>
public sealed class BatchCostModel
{
    public const int Window = 64;

    private readonly Lock _lock = new();
    private readonly (double Tokens, double Seconds, int Inputs)[] _batches = new (double, double, int)[Window];
    private int _count;
    private int _next;

    public void Record(long paddedTokens, double seconds, int inputs)
    {
        lock (_lock)
        {
            _batches[_next] = (paddedTokens, seconds, inputs);
            _next = (_next + 1) % Window;
            _count = Math.Min(_count + 1, Window);
        }
    }

    /// <summary>The line and the padded tokens per input, from the batches so far; null before any batch.</summary>
    public CostLine? Line
    {
        get
        {
            lock (_lock)
            {
                if (_count == 0)
                {
                    return null;
                }

                var recent = _batches.AsSpan(0, _count);
                double n = _count, sumT = 0, sumS = 0, sumTT = 0, sumTS = 0, inputs = 0;
                foreach (var (tokens, seconds, count) in recent)
                {
                    sumT += tokens;
                    sumS += seconds;
                    sumTT += tokens * tokens;
                    sumTS += tokens * seconds;
                    inputs += count;
                }

                var meanT = sumT / n;
                var meanS = sumS / n;
                var variance = (sumTT / n) - (meanT * meanT);
                var allPerToken = meanT > 0 ? meanS / meanT : 0;
                var slope = variance > 1e-9 * Math.Max(1, meanT * meanT) ? ((sumTS / n) - (meanT * meanS)) / variance : allPerToken;
                // A time that falls as batches grow is noise about a flat line: all of it fixed. One that would make the
                // fixed part negative is steeper than the data: all of it per token.
                slope = Math.Clamp(slope, 0, allPerToken);

                return new CostLine(Math.Max(0, meanS - (slope * meanT)), slope, inputs > 0 ? sumT / inputs : 1);
            }
        }
    }
}

/// <summary>A batch's time as a line in its padded tokens, and how many padded tokens an input brings on average.</summary>
public sealed record CostLine(double Fixed, double PerToken, double TokensPerInput)
{
    /// <summary>Seconds one batch of <paramref name="inputs"/> typical inputs takes.</summary>
    public double Seconds(int inputs) => Fixed + (PerToken * TokensPerInput * inputs);

    /// <summary>Inputs per second <paramref name="parallel"/> slots serve with batches of <paramref name="batchSize"/>.</summary>
    public double Capacity(int batchSize, int parallel) => Seconds(batchSize) > 0 ? parallel * batchSize / Seconds(batchSize) : double.PositiveInfinity;
}
