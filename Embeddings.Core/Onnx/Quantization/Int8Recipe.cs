namespace Embeddings.Core.Onnx.Quantization;

/// <summary>How the int8 graph is built from the fp32 one. <see cref="Default"/> is what the server uses; the other
/// settings exist to measure the alternatives (tests/Embeddings.Benchmarks <c>quantize</c> mode).</summary>
public sealed record Int8Recipe
{
    public static Int8Recipe Default { get; } = new();

    /// <summary>SmoothQuant's migration strength α (0 to 1): each input channel j of a MatMul is divided by
    /// <c>s_j = max|X_j|^α / max|W_j|^(1-α)</c> (from the calibration pass) and the weights' row j multiplied by it, so
    /// activation outliers move into the weights, which are quantized per column. 0 turns smoothing off.</summary>
    public double SmoothingAlpha { get; init; } = 0.5;

    /// <summary>Smooth only channels whose calibrated maximum is above the median channel's: <c>s_j = max(1, max|X_j| /
    /// median)^α</c>, leaving ordinary channels (and rarely seen ones) untouched.</summary>
    public bool OutliersOnly { get; init; }

    /// <summary>Which MatMuls' inputs are smoothed (all when null).</summary>
    public Func<QuantizableMatMul, bool>? Smooth { get; init; }

    /// <summary>Which weighted MatMuls (by their order in the graph, from 0) stay in fp32; null quantizes all of them.</summary>
    public Func<QuantizableMatMul, bool>? KeepFloat { get; init; }
}

/// <summary>What a recipe knows of a MatMul when choosing whether to keep it in fp32.</summary>
/// <param name="Ordinal">Its place among the graph's weighted MatMuls, from 0.</param>
/// <param name="Rows">Input channels (K).</param>
/// <param name="Columns">Output channels (N).</param>
public sealed record QuantizableMatMul(int Ordinal, string Name, int Rows, int Columns)
{
    /// <summary>A MatMul that narrows its input (a transformer's FFN output projection, fed by GELU).</summary>
    public bool Narrows => Rows > Columns;
}
