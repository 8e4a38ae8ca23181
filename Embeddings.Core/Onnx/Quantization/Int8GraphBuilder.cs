using Embeddings.Core.Models;
using Onnx;

namespace Embeddings.Core.Onnx.Quantization;

/// <summary>Builds the int8 graph of an fp32 ONNX embedding model, in C#: reads it, runs the calibration pass over the
/// inputs of the MatMuls to quantize, and rewrites it (<see cref="Int8GraphRewriter"/>).</summary>
public static class Int8GraphBuilder
{
    /// <exception cref="UnsupportedGraphException">The quantizer cannot handle the graph.</exception>
    public static byte[] Build(string fp32ModelPath, IReadOnlyList<TokenizedInput> calibration, int padId, Int8Recipe recipe, int threads)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        return Build(ReadQuantizable(fp32ModelPath, recipe), calibration, padId, recipe, threads);
    }

    /// <summary>Reads the fp32 graph and checks that the recipe finds something to quantize in it, before any work.</summary>
    /// <exception cref="UnsupportedGraphException">The quantizer cannot handle the graph.</exception>
    internal static ModelProto ReadQuantizable(string fp32ModelPath, Int8Recipe recipe)
    {
        var fp32 = OnnxGraphFile.Read(fp32ModelPath);
        Int8GraphRewriter.Chosen(fp32.Graph, recipe);
        return fp32;
    }

    /// <exception cref="UnsupportedGraphException">The quantizer cannot handle the graph.</exception>
    internal static byte[] Build(ModelProto fp32, IReadOnlyList<TokenizedInput> calibration, int padId, Int8Recipe recipe, int threads)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        var chosen = Int8GraphRewriter.Chosen(fp32.Graph, recipe);
        var maxima = recipe.SmoothingAlpha > 0
            ? ActivationRecorder.ChannelMaxima(fp32, chosen.Select(m => m.Input).Distinct(StringComparer.Ordinal).ToList(), calibration, padId, threads)
            : [];
        return OnnxGraphFile.ToBytes(Int8GraphRewriter.Rewrite(fp32, maxima, recipe));
    }
}
