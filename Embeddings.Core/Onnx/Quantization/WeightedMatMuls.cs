using Onnx;

namespace Embeddings.Core.Onnx.Quantization;

/// <summary>A MatMul whose second input is a constant float matrix <c>[Rows (K), Columns (N)]</c>, and the Add of a
/// constant bias <c>[N]</c> that directly follows it, where there is one (it becomes the quantized op's bias).</summary>
internal sealed record WeightedMatMul(int Ordinal, NodeProto Node, TensorProto Weights, int Rows, int Columns, NodeProto? BiasAdd, TensorProto? Bias)
{
    public string Input => Node.Input[0];

    /// <summary>The value the rest of the graph reads: the bias Add's output where it is folded in, else the MatMul's.</summary>
    public string Output => BiasAdd?.Output[0] ?? Node.Output[0];
}

/// <summary>Finds the MatMuls the quantizer can turn into int8: in the default domain, with a rank-2 float32 initializer
/// as the weights (a transformer's projections; attention's activation-by-activation MatMuls have none).</summary>
internal static class WeightedMatMuls
{
    public static IReadOnlyList<WeightedMatMul> Find(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var consumers = Consumers(graph);
        var outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var found = new List<WeightedMatMul>();
        foreach (var node in graph.Node)
        {
            if (node.OpType != "MatMul" || node.Domain is not ("" or "ai.onnx") || node.Input.Count != 2
                || initializers.ContainsKey(node.Input[0])
                || !initializers.TryGetValue(node.Input[1], out var weights) || !Tensors.IsFloat(weights) || weights.Dims.Count != 2)
            {
                continue;
            }

            var rows = checked((int)weights.Dims[0]);
            var columns = checked((int)weights.Dims[1]);
            var (biasAdd, bias) = FollowingBias(node, columns, initializers, consumers, outputs);
            found.Add(new WeightedMatMul(found.Count, node, weights, rows, columns, biasAdd, bias));
        }

        return found;
    }

    public static Dictionary<string, List<NodeProto>> Consumers(GraphProto graph)
    {
        var consumers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input.Where(i => i.Length > 0))
            {
                if (!consumers.TryGetValue(input, out var list))
                {
                    consumers[input] = list = [];
                }

                list.Add(node);
            }
        }

        return consumers;
    }

    private static (NodeProto? Add, TensorProto? Bias) FollowingBias(
        NodeProto matMul, int columns, Dictionary<string, TensorProto> initializers, Dictionary<string, List<NodeProto>> consumers,
        HashSet<string> graphOutputs)
    {
        var product = matMul.Output[0];
        if (graphOutputs.Contains(product) || !consumers.TryGetValue(product, out var readers) || readers.Count != 1)
        {
            return (null, null);
        }

        var add = readers[0];
        if (add.OpType != "Add" || add.Domain is not ("" or "ai.onnx") || add.Input.Count != 2)
        {
            return (null, null);
        }

        var other = add.Input[0] == product ? add.Input[1] : add.Input[0];
        return initializers.TryGetValue(other, out var bias) && Tensors.IsFloat(bias) && bias.Dims.Count == 1 && bias.Dims[0] == columns
            ? (add, bias)
            : (null, null);
    }
}
