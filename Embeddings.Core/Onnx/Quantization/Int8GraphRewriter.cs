using Onnx;

namespace Embeddings.Core.Onnx.Quantization;

/// <summary>
/// Turns an fp32 graph into its int8 form: each chosen weighted MatMul (and the bias Add after it) becomes one
/// <c>com.microsoft</c> <c>DynamicQuantizeMatMul</c>, whose weights are int8 with one scale per output column and whose
/// input ONNX Runtime quantizes to uint8 on the fly, per tensor. Before that, SmoothQuant: where the calibration pass saw
/// the MatMul's input channels, a Mul by 1/s is put in front of the MatMuls reading that input (Q, K and V share one),
/// and their weights' rows are multiplied by s, which leaves the fp32 product unchanged and the int8 one closer to it.
/// </summary>
internal static class Int8GraphRewriter
{
    public const string QuantizedOp = "DynamicQuantizeMatMul";

    /// <exception cref="UnsupportedGraphException">The graph has no MatMul with constant weights.</exception>
    public static ModelProto Rewrite(ModelProto fp32, IReadOnlyDictionary<string, float[]> channelMaxima, Int8Recipe recipe)
    {
        var model = fp32.Clone();
        var graph = model.Graph;
        var chosen = Chosen(graph, recipe);
        var described = Describe(WeightedMatMuls.Find(graph));
        var replaced = new Dictionary<NodeProto, NodeProto?>(ReferenceEqualityComparer.Instance);
        var smoothers = new List<(NodeProto Before, NodeProto Mul)>();
        foreach (var group in chosen.GroupBy(m => m.Input, StringComparer.Ordinal))
        {
            var members = group.ToList();
            var input = group.Key;
            if (recipe.SmoothingAlpha > 0 && channelMaxima.TryGetValue(input, out var maxima) && maxima.Length == members[0].Rows
                && (recipe.Smooth is null || recipe.Smooth(described[members[0].Ordinal])))
            {
                var scales = recipe.OutliersOnly ? OutlierScales(maxima, recipe.SmoothingAlpha) : SmoothingScales(maxima, members, recipe.SmoothingAlpha);
                var smoothed = $"{input}_smoothed";
                var inverse = Array.ConvertAll(scales, s => 1f / s);
                graph.Initializer.Add(Tensors.Floats($"{input}_smoothing", inverse, inverse.Length));
                smoothers.Add((members[0].Node, new NodeProto
                {
                    Name = $"{input}_smooth", OpType = "Mul", Input = { input, $"{input}_smoothing" }, Output = { smoothed },
                }));
                foreach (var member in members)
                {
                    Replace(graph, member, smoothed, scales, replaced);
                }
            }
            else
            {
                foreach (var member in members)
                {
                    Replace(graph, member, input, rowScales: null, replaced);
                }
            }
        }

        var nodes = new List<NodeProto>(graph.Node.Count + smoothers.Count);
        foreach (var node in graph.Node)
        {
            nodes.AddRange(smoothers.Where(s => s.Before == node).Select(s => s.Mul));
            if (!replaced.TryGetValue(node, out var replacement))
            {
                nodes.Add(node);
            }
            else if (replacement is not null)
            {
                nodes.Add(replacement);
            }
        }

        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        RemoveUnused(graph);
        OnnxGraphFile.ImportMicrosoftOpset(model);
        return model;
    }

    /// <summary>The MatMuls to quantize.</summary>
    public static IReadOnlyList<WeightedMatMul> Chosen(GraphProto graph, Int8Recipe recipe)
    {
        var all = WeightedMatMuls.Find(graph);
        if (all.Count == 0)
        {
            throw new UnsupportedGraphException("the graph has no MatMul with constant float weights, so there is nothing to quantize.");
        }

        if (recipe.KeepFloat is null)
        {
            return all;
        }

        var described = Describe(all);
        return all.Where(m => !recipe.KeepFloat(described[m.Ordinal])).ToList();
    }

    /// <summary>What a recipe sees of each weighted MatMul, by <see cref="WeightedMatMul.Ordinal"/>.</summary>
    private static QuantizableMatMul[] Describe(IReadOnlyList<WeightedMatMul> all)
    {
        var narrowing = 0;
        return [.. all.Select(m => new QuantizableMatMul(m.Ordinal, m.Node.Name, m.Rows, m.Columns, m.Rows > m.Columns ? narrowing++ : null))];
    }

    internal static float[] OutlierScales(float[] activationMaxima, double alpha)
    {
        var sorted = activationMaxima.Order().ToArray();
        var median = Math.Max(sorted[sorted.Length / 2], 1e-6f);
        return Array.ConvertAll(activationMaxima, a => (float)Math.Pow(Math.Max(1.0, a / median), alpha));
    }

    /// <summary><c>s_j = max|X_j|^α / max|W_j|^(1-α)</c>, with <c>max|W_j|</c> over the row j of every MatMul reading X.</summary>
    internal static float[] SmoothingScales(float[] activationMaxima, IReadOnlyList<WeightedMatMul> readers, double alpha)
    {
        var rows = activationMaxima.Length;
        var weightMaxima = new float[rows];
        foreach (var reader in readers)
        {
            var weights = Tensors.ReadFloats(reader.Weights);
            for (var k = 0; k < rows; k++)
            {
                foreach (var w in weights.AsSpan(k * reader.Columns, reader.Columns))
                {
                    weightMaxima[k] = Math.Max(weightMaxima[k], Math.Abs(w));
                }
            }
        }

        var scales = new float[rows];
        for (var k = 0; k < rows; k++)
        {
            var s = activationMaxima[k] > 0 && weightMaxima[k] > 0
                ? Math.Pow(activationMaxima[k], alpha) / Math.Pow(weightMaxima[k], 1 - alpha)
                : 1;
            scales[k] = (float)Math.Clamp(s, 1e-5, 1e5);
        }

        return scales;
    }

    private static void Replace(GraphProto graph, WeightedMatMul matMul, string input, float[]? rowScales, Dictionary<NodeProto, NodeProto?> replaced)
    {
        var weights = Tensors.ReadFloats(matMul.Weights);
        if (rowScales is not null)
        {
            for (var k = 0; k < matMul.Rows; k++)
            {
                var row = weights.AsSpan(k * matMul.Columns, matMul.Columns);
                foreach (ref var w in row)
                {
                    w *= rowScales[k];
                }
            }
        }

        var quantized = WeightQuantizer.PerColumn(weights, matMul.Rows, matMul.Columns);
        var name = matMul.Weights.Name;
        graph.Initializer.Add(Tensors.Int8s($"{name}_int8_{matMul.Ordinal}", quantized.Values, matMul.Rows, matMul.Columns));
        graph.Initializer.Add(Tensors.Floats($"{name}_scale_{matMul.Ordinal}", quantized.Scales, matMul.Columns));
        var node = new NodeProto
        {
            Name = $"{matMul.Node.Name}_int8",
            OpType = QuantizedOp,
            Domain = OnnxGraphFile.MicrosoftDomain,
            Input = { input, $"{name}_int8_{matMul.Ordinal}", $"{name}_scale_{matMul.Ordinal}", "" },
            Output = { matMul.Output },
        };
        if (matMul.Bias is not null)
        {
            node.Input.Add(matMul.Bias.Name);
            replaced[matMul.BiasAdd!] = null;
        }

        replaced[matMul.Node] = node;
    }

    private static void RemoveUnused(GraphProto graph)
    {
        var read = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        var unused = graph.Initializer.Where(t => !read.Contains(t.Name)).ToList();
        foreach (var tensor in unused)
        {
            graph.Initializer.Remove(tensor);
        }

        var gone = unused.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => gone.Contains(i.Name)).ToList();
        foreach (var input in inputs)
        {
            graph.Input.Remove(input);
        }
    }
}
