using Embeddings.Core.Models;

namespace Embeddings.Core.Onnx.Quantization;

/// <summary>Builds the int8 graph of an fp32 ONNX embedding model, in C#: reads it, runs the calibration pass over the
/// inputs of the MatMuls to quantize, and rewrites it (<see cref="Int8GraphRewriter"/>).</summary>
public static class Int8GraphBuilder
{
    /// <exception cref="UnsupportedGraphException">The quantizer cannot handle the graph.</exception>
    public static byte[] Build(string fp32ModelPath, IReadOnlyList<TokenizedInput> calibration, int padId, Int8Recipe recipe, int threads)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(recipe);
        var fp32 = OnnxGraphFile.Read(fp32ModelPath);
        var chosen = Int8GraphRewriter.Chosen(fp32.Graph, recipe);
        var maxima = recipe.SmoothingAlpha > 0
            ? ActivationRecorder.ChannelMaxima(fp32, chosen.Select(m => m.Input).Distinct(StringComparer.Ordinal).ToList(), calibration, padId, threads)
            : [];
        return OnnxGraphFile.ToBytes(Int8GraphRewriter.Rewrite(fp32, maxima, recipe));
    }
}
