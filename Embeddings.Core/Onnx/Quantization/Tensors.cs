using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Embeddings.Core.Onnx.Quantization;

/// <summary>Float and int8 tensors in and out of <see cref="TensorProto"/> (little-endian raw data, as ONNX stores it).</summary>
internal static class Tensors
{
    private const int Float = (int)TensorProto.Types.DataType.Float;
    private const int Int8 = (int)TensorProto.Types.DataType.Int8;

    public static bool IsFloat(TensorProto tensor) => tensor.DataType == Float;

    public static float[] ReadFloats(TensorProto tensor)
    {
        if (!IsFloat(tensor))
        {
            throw new UnsupportedGraphException($"tensor '{tensor.Name}' is not float32.");
        }

        RequireLittleEndian();
        return tensor.HasRawData ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : [.. tensor.FloatData];
    }

    public static TensorProto Floats(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        RequireLittleEndian();
        var tensor = new TensorProto { Name = name, DataType = Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    public static TensorProto Int8s(string name, ReadOnlySpan<sbyte> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = Int8, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    public static sbyte[] ReadInt8s(TensorProto tensor) => MemoryMarshal.Cast<byte, sbyte>(tensor.RawData.Span).ToArray();

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; this machine is not.");
        }
    }
}
