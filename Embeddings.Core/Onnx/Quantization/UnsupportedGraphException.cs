namespace Embeddings.Core.Onnx.Quantization;

/// <summary>The int8 quantizer cannot handle this graph (no MatMul with constant weights, external data, a file that is
/// no ONNX model). The model catalog turns it into a start-up error that names the model and the file.</summary>
public sealed class UnsupportedGraphException(string reason, Exception? inner = null) : Exception(reason, inner);
