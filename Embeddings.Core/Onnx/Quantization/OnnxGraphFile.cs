using Google.Protobuf;
using Onnx;

namespace Embeddings.Core.Onnx.Quantization;

/// <summary>Reads and writes ONNX model files through the classes generated from the official <c>onnx.proto</c>.</summary>
internal static class OnnxGraphFile
{
    public const string MicrosoftDomain = "com.microsoft";

    /// <exception cref="UnsupportedGraphException">The file is no ONNX model, or keeps tensors in external data files.</exception>
    public static ModelProto Read(string path)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new UnsupportedGraphException($"the file is not an ONNX model ({e.Message}).", e);
        }

        if (model.Graph is null)
        {
            throw new UnsupportedGraphException("the file holds no graph.");
        }

        if (model.Graph.Initializer.Any(t => t.DataLocation == TensorProto.Types.DataLocation.External))
        {
            throw new UnsupportedGraphException(
                "the graph keeps its weights in external data files, which the int8 quantizer does not read; save it as one file.");
        }

        return model;
    }

    public static byte[] ToBytes(ModelProto model) => model.ToByteArray();

    /// <summary>Declares the <c>com.microsoft</c> operator set (version 1), which holds DynamicQuantizeMatMul.</summary>
    public static void ImportMicrosoftOpset(ModelProto model)
    {
        if (!model.OpsetImport.Any(o => o.Domain == MicrosoftDomain))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        }
    }
}
