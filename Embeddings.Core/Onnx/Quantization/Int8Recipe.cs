namespace Embeddings.Core.Onnx.Quantization;

/// <summary>
/// How the int8 graph is built from the fp32 one. <see cref="Default"/> is what the server builds: every weighted MatMul
/// in int8 except the first FFN output projection, whose input (from GELU) carries the largest activation outliers,
/// with outlier channels smoothed (α 0.5). Measured on all-MiniLM-L6-v2 it keeps the cosine to fp32 at 0.998 mean for
/// about the speed of quantizing everything (BENCHMARKS.md has the table of the alternatives). The other settings exist
/// to measure those alternatives (tests/Embeddings.Benchmarks <c>int8-recipes</c> mode).
/// </summary>
public sealed record Int8Recipe
{
    public static Int8Recipe Default { get; } = new()
    {
        SmoothingAlpha = 0.5,
        OutliersOnly = true,
        KeepFloat = m => m.NarrowingOrdinal == 0,
    };

    /// <summary>SmoothQuant's migration strength α (0 to 1): each input channel j of a MatMul is divided by s_j (from
    /// the calibration pass) and the weights' row j multiplied by it, so activation outliers move into the weights, which
    /// are quantized per column. 0 turns smoothing off.</summary>
    public double SmoothingAlpha { get; init; }

    /// <summary>True: smooth only channels whose calibrated peak is above the median channel's, <c>s_j = max(1,
    /// max|X_j| / median)^α</c>, leaving ordinary (and rarely seen) channels alone. False: SmoothQuant's balance
    /// <c>s_j = max|X_j|^α / max|W_j|^(1-α)</c>, which also scales up channels the calibration seldom saw active, and
    /// measured worse here.</summary>
    public bool OutliersOnly { get; init; }

    /// <summary>Which MatMuls' inputs are smoothed (all when null).</summary>
    public Func<QuantizableMatMul, bool>? Smooth { get; init; }

    /// <summary>Which weighted MatMuls stay in fp32 (none when null).</summary>
    public Func<QuantizableMatMul, bool>? KeepFloat { get; init; }
}

/// <summary>What a recipe knows of a weighted MatMul when choosing what to do with it.</summary>
/// <param name="Ordinal">Its place among the graph's weighted MatMuls, from 0.</param>
/// <param name="Name">The node's name in the graph.</param>
/// <param name="Rows">Input channels (K).</param>
/// <param name="Columns">Output channels (N).</param>
/// <param name="NarrowingOrdinal">Its place among the MatMuls that narrow their input (Rows > Columns: a transformer
/// layer's FFN output projection, fed by GELU), from 0; null for the others.</param>
public sealed record QuantizableMatMul(int Ordinal, string Name, int Rows, int Columns, int? NarrowingOrdinal)
{
    public bool Narrows => NarrowingOrdinal is not null;
}
