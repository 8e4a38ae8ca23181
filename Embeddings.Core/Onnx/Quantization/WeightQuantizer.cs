namespace Embeddings.Core.Onnx.Quantization;

/// <summary>A weight matrix <c>[K, N]</c> (row-major) quantized symmetrically per output column:
/// <c>W[k, n] ≈ Values[k, n] × Scales[n]</c>, with values in [-127, 127] and no zero point.</summary>
internal sealed record QuantizedWeights(sbyte[] Values, float[] Scales, int Rows, int Columns);

internal static class WeightQuantizer
{
    /// <summary>-128 is left out so that the range is symmetric and negating a weight never overflows.</summary>
    public const int MaxLevel = 127;

    public static QuantizedWeights PerColumn(ReadOnlySpan<float> weights, int rows, int columns)
    {
        if (weights.Length != rows * columns)
        {
            throw new ArgumentException($"expected {rows}x{columns} weights, got {weights.Length}.", nameof(weights));
        }

        var scales = new float[columns];
        for (var k = 0; k < rows; k++)
        {
            var row = weights.Slice(k * columns, columns);
            for (var n = 0; n < columns; n++)
            {
                scales[n] = Math.Max(scales[n], Math.Abs(row[n]));
            }
        }

        for (var n = 0; n < columns; n++)
        {
            // An all-zero column quantizes to zeros with any scale; 1 keeps the division below finite.
            scales[n] = scales[n] > 0f ? scales[n] / MaxLevel : 1f;
        }

        var values = new sbyte[rows * columns];
        for (var k = 0; k < rows; k++)
        {
            for (var n = 0; n < columns; n++)
            {
                var level = MathF.Round(weights[(k * columns) + n] / scales[n], MidpointRounding.ToEven);
                values[(k * columns) + n] = (sbyte)Math.Clamp(level, -MaxLevel, MaxLevel);
            }
        }

        return new QuantizedWeights(values, scales, rows, columns);
    }
}
