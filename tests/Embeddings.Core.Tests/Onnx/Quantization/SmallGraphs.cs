using Embeddings.Core.Onnx.Quantization;
using Onnx;

namespace Embeddings.Core.Tests.Onnx.Quantization;

/// <summary>Tiny ONNX graphs written out in the test, to check the quantizer's output exactly.</summary>
internal static class SmallGraphs
{
    public const int Float = (int)TensorProto.Types.DataType.Float;

    /// <summary><c>Y = X · W + b</c> for each (weights, bias) given, all reading the same input <c>X [rows, K]</c>; the
    /// outputs are <c>Y0</c>, <c>Y1</c>, ...</summary>
    public static ModelProto Linear(int inputs, params (float[,] Weights, float[] Bias)[] layers)
    {
        var graph = new GraphProto { Name = "linear" };
        graph.Input.Add(Value("X", inputs));
        for (var i = 0; i < layers.Length; i++)
        {
            var (weights, bias) = layers[i];
            var columns = weights.GetLength(1);
            graph.Initializer.Add(Tensors.Floats($"W{i}", Flatten(weights), weights.GetLength(0), columns));
            graph.Initializer.Add(Tensors.Floats($"b{i}", bias, columns));
            graph.Node.Add(new NodeProto { Name = $"MatMul{i}", OpType = "MatMul", Input = { "X", $"W{i}" }, Output = { $"XW{i}" } });
            graph.Node.Add(new NodeProto { Name = $"Add{i}", OpType = "Add", Input = { $"b{i}", $"XW{i}" }, Output = { $"Y{i}" } });
            graph.Output.Add(Value($"Y{i}", columns));
        }

        return Model(graph);
    }

    public static ModelProto Model(GraphProto graph)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "embeddings-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model;
    }

    public static ValueInfoProto Value(string name, int columns)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "rows" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = columns });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = Float, Shape = shape } },
        };
    }

    public static float[] Flatten(float[,] matrix) => [.. matrix.Cast<float>()];

    /// <summary><c>X · W + b</c> in fp32, row by row.</summary>
    public static float[] Reference(float[] x, int rows, float[,] weights, float[] bias)
    {
        var k = weights.GetLength(0);
        var n = weights.GetLength(1);
        var y = new float[rows * n];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < n; c++)
            {
                var sum = bias[c];
                for (var i = 0; i < k; i++)
                {
                    sum += x[(r * k) + i] * weights[i, c];
                }

                y[(r * n) + c] = sum;
            }
        }

        return y;
    }
}
