using Embeddings.Core.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Embeddings.Core.Onnx.Quantization;

/// <summary>
/// The calibration pass: runs the fp32 graph over the calibration inputs with the named intermediate values exposed as
/// extra outputs, and keeps each value's largest magnitude per channel (its last axis), over real tokens only, since
/// padded positions never reach a pooled vector.
/// </summary>
internal static class ActivationRecorder
{
    private const int BatchSize = 16;

    public static Dictionary<string, float[]> ChannelMaxima(
        ModelProto fp32, IReadOnlyCollection<string> values, IReadOnlyList<TokenizedInput> inputs, int padId, int threads)
    {
        var probe = fp32.Clone();
        foreach (var name in values)
        {
            probe.Graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        }

        var feeds = probe.Graph.Input.Select(i => i.Name).Except(probe.Graph.Initializer.Select(t => t.Name)).ToList();
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, EnableMemoryPattern = false };
        using var session = new InferenceSession(OnnxGraphFile.ToBytes(probe), options);
        var maxima = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var names = values.ToArray();
        foreach (var batch in inputs.OrderBy(i => i.Count).Chunk(BatchSize))
        {
            var sequence = batch.Max(i => i.Count);
            var feedValues = Feeds(feeds, batch, sequence, padId);
            using var results = session.Run(feedValues, names);
            foreach (var result in results)
            {
                Accumulate(maxima, result.Name, result.AsTensor<float>(), batch, sequence);
            }
        }

        return maxima;
    }

    private static List<NamedOnnxValue> Feeds(IReadOnlyList<string> names, TokenizedInput[] batch, int sequence, int padId)
    {
        var ids = new DenseTensor<long>([batch.Length, sequence]);
        var mask = new DenseTensor<long>([batch.Length, sequence]);
        var types = new DenseTensor<long>([batch.Length, sequence]);
        for (var b = 0; b < batch.Length; b++)
        {
            for (var t = 0; t < sequence; t++)
            {
                var real = t < batch[b].Count;
                ids[b, t] = real ? batch[b].Ids[t] : padId;
                mask[b, t] = real ? 1 : 0;
            }
        }

        var feeds = new List<NamedOnnxValue>();
        foreach (var name in names)
        {
            feeds.Add(NamedOnnxValue.CreateFromTensor(name, name switch
            {
                "input_ids" => ids,
                "attention_mask" => mask,
                "token_type_ids" => types,
                _ => throw new UnsupportedGraphException($"the graph has an input '{name}' the calibration pass cannot feed."),
            }));
        }

        return feeds;
    }

    private static void Accumulate(Dictionary<string, float[]> maxima, string name, Tensor<float> value, TokenizedInput[] batch, int sequence)
    {
        var dims = value.Dimensions;
        var channels = dims[^1];
        var rows = (int)(value.Length / channels);
        if (!maxima.TryGetValue(name, out var max))
        {
            maxima[name] = max = new float[channels];
        }

        // Rows are positions in [batch, sequence] order when the value has that many rows; otherwise every row counts.
        var byPosition = rows == batch.Length * sequence;
        var data = ((DenseTensor<float>)value).Buffer.Span;
        for (var r = 0; r < rows; r++)
        {
            if (byPosition && r % sequence >= batch[r / sequence].Count)
            {
                continue;
            }

            var row = data.Slice(r * channels, channels);
            for (var c = 0; c < channels; c++)
            {
                max[c] = Math.Max(max[c], Math.Abs(row[c]));
            }
        }
    }
}
