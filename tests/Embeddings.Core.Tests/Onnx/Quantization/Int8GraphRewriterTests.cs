using Embeddings.Core.Onnx.Quantization;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Embeddings.Core.Tests.Onnx.Quantization;

/// <summary>The quantizer on graphs built here: exact int8 weights and scales, the folded bias, SmoothQuant's scales,
/// and what ONNX Runtime computes with the result.</summary>
public sealed class Int8GraphRewriterTests
{
    // Column 0 peaks at 1.0, column 1 at 0.8 (negative), column 2 is all zeros.
    private static readonly float[,] Weights =
    {
        { 1.0f, 0.2f, 0f },
        { -0.6f, 0.3f, 0f },
        { 0.25f, -0.8f, 0f },
        { 0f, 0.1f, 0f },
    };

    private static readonly float[] Bias = [0.5f, -1f, 2f];

    private static readonly Int8Recipe NoSmoothing = new() { SmoothingAlpha = 0 };

    [Fact]
    public void A_MatMul_and_its_bias_become_one_DynamicQuantizeMatMul_with_int8_weights_and_one_scale_per_column()
    {
        var int8 = Int8GraphRewriter.Rewrite(SmallGraphs.Linear(4, (Weights, Bias)), new Dictionary<string, float[]>(), NoSmoothing);

        var node = Assert.Single(int8.Graph.Node);
        Assert.Equal("DynamicQuantizeMatMul", node.OpType);
        Assert.Equal("com.microsoft", node.Domain);
        Assert.Equal(["X", "W0_int8_0", "W0_scale_0", "", "b0"], node.Input);
        Assert.Equal(["Y0"], node.Output);

        var values = Tensors.ReadInt8s(Initializer(int8, "W0_int8_0"));
        // round(w / scale): 1.0→127, -0.6→-76.2→-76, 0.25→31.75→32; 0.2/0.8·127=31.75→32, 0.3→47.6→48, 0.1→15.9→16.
        Assert.Equal(new sbyte[] { 127, 32, 0, -76, 48, 0, 32, -127, 0, 0, 16, 0 }, values);
        Assert.Equal([4, 3], Initializer(int8, "W0_int8_0").Dims);
        Assert.Equal(new[] { 1.0f / 127, 0.8f / 127, 1f }, Tensors.ReadFloats(Initializer(int8, "W0_scale_0")));
        Assert.DoesNotContain(int8.Graph.Initializer, t => t.Name == "W0");
        Assert.Contains(int8.OpsetImport, o => o.Domain == "com.microsoft" && o.Version == 1);
    }

    [Fact]
    public void Onnx_Runtime_runs_the_int8_graph_and_matches_fp32_within_the_quantization_step()
    {
        var fp32 = SmallGraphs.Linear(4, (Weights, Bias));
        var int8 = Int8GraphRewriter.Rewrite(fp32, new Dictionary<string, float[]>(), NoSmoothing);
        float[] x = [0.9f, -0.4f, 0.1f, 0.7f, -1f, 0.5f, 0.3f, -0.2f];

        var expected = SmallGraphs.Reference(x, 2, Weights, Bias);
        var actual = Run(int8, x, 2, 4, "Y0");

        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            // Weight steps are at most 1/127 of a column's peak; the input's uint8 step is its range / 255.
            Assert.True(Math.Abs(expected[i] - actual[i]) < 0.02f, $"element {i}: fp32 {expected[i]}, int8 {actual[i]}");
        }

        Assert.Equal(expected, Run(fp32, x, 2, 4, "Y0"), new FloatTolerance(1e-6f));
    }

    [Fact]
    public void Smoothing_divides_an_outlier_channel_in_one_Mul_shared_by_its_readers_and_multiplies_their_weight_rows()
    {
        var second = new float[,] { { 0.5f, 0.5f }, { 0.5f, -0.5f }, { 0.25f, 0f }, { 0.01f, 0.02f } };
        var fp32 = SmallGraphs.Linear(4, (Weights, Bias), (second, [0f, 0f]));
        // Channel 3 peaks at 16, the median channel at 1: s = (16 / 1)^0.5 = 4 for it, 1 for the rest.
        var maxima = new Dictionary<string, float[]> { ["X"] = [1f, 0.5f, 1f, 16f] };

        var int8 = Int8GraphRewriter.Rewrite(fp32, maxima, new Int8Recipe { SmoothingAlpha = 0.5, OutliersOnly = true });

        Assert.Equal(["Mul", "DynamicQuantizeMatMul", "DynamicQuantizeMatMul"], int8.Graph.Node.Select(n => n.OpType));
        var mul = int8.Graph.Node[0];
        Assert.Equal(["X", "X_smoothing"], mul.Input);
        Assert.Equal(new[] { 1f, 1f, 1f, 0.25f }, Tensors.ReadFloats(Initializer(int8, "X_smoothing")));
        Assert.All(int8.Graph.Node.Skip(1), n => Assert.Equal("X_smoothed", n.Input[0]));

        // The second layer's row 3 grew from 0.01/0.02 to 0.04/0.08 before quantizing: column 1's peak is still 0.5.
        var scales = Tensors.ReadFloats(Initializer(int8, "W1_scale_1"));
        Assert.Equal(new[] { 0.5f / 127, 0.5f / 127 }, scales);
        Assert.Equal(new sbyte[] { 10, 20 }, Tensors.ReadInt8s(Initializer(int8, "W1_int8_1"))[6..]);

        float[] x = [0.9f, -0.4f, 0.1f, 12f];
        var expected = SmallGraphs.Reference(x, 1, second, [0f, 0f]);
        var actual = Run(int8, x, 1, 4, "Y1");
        Assert.Equal(expected, actual, new FloatTolerance(0.03f));
    }

    [Fact]
    public void The_balanced_SmoothQuant_scale_is_the_activation_peak_to_the_alpha_over_the_weight_peak_to_one_minus_alpha()
    {
        var fp32 = SmallGraphs.Linear(4, (Weights, Bias));
        var readers = WeightedMatMuls.Find(fp32.Graph);

        var scales = Int8GraphRewriter.SmoothingScales([4f, 9f, 0f, 1f], readers, alpha: 0.5);

        // Row peaks of W: 1.0, 0.6, 0.8, 0.1. A channel never seen active keeps s = 1.
        Assert.Equal(new[] { 2f, 3f / MathF.Sqrt(0.6f), 1f, 1f / MathF.Sqrt(0.1f) }, scales, new FloatTolerance(1e-5f));
    }

    [Fact]
    public void A_graph_with_no_MatMul_on_constant_weights_is_refused_with_the_reason()
    {
        var graph = new GraphProto { Name = "no-weights" };
        graph.Input.Add(SmallGraphs.Value("X", 4));
        graph.Input.Add(SmallGraphs.Value("Z", 4));
        graph.Node.Add(new NodeProto { OpType = "MatMul", Input = { "X", "Z" }, Output = { "Y" } });
        graph.Output.Add(SmallGraphs.Value("Y", 4));

        var error = Assert.Throws<UnsupportedGraphException>(
            () => Int8GraphRewriter.Rewrite(SmallGraphs.Model(graph), new Dictionary<string, float[]>(), Int8Recipe.Default));

        Assert.Contains("no MatMul with constant float weights", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_graph_that_keeps_its_weights_in_external_data_is_refused_with_the_reason()
    {
        var model = SmallGraphs.Linear(4, (Weights, Bias));
        var weights = model.Graph.Initializer[0];
        weights.ClearRawData();
        weights.DataLocation = TensorProto.Types.DataLocation.External;
        weights.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        var path = Path.Combine(Path.GetTempPath(), $"external-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        try
        {
            var error = Assert.Throws<UnsupportedGraphException>(() => OnnxGraphFile.Read(path));
            Assert.Contains("external data", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static TensorProto Initializer(ModelProto model, string name) => Assert.Single(model.Graph.Initializer, t => t.Name == name);

    private static float[] Run(ModelProto model, float[] x, int rows, int columns, string output)
    {
        using var session = new InferenceSession(model.ToByteArray());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("X", new DenseTensor<float>(x, [rows, columns]))], [output]);
        return [.. results[0].AsEnumerable<float>()];
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
