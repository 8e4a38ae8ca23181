using System.Text.Json;
using System.Text.Json.Serialization;
using Embeddings.Contracts;

namespace Embeddings.Core.Onnx.Quantization;

/// <summary>What is stored beside a built int8 graph (<c>model.int8.json</c>): what it was built from and by, its own
/// hash (so a damaged or half-replaced file is rebuilt, not served), and the quality measured when it was built.</summary>
internal sealed record Int8Manifest(string QuantizerVersion, string Fp32Sha256, string Int8Sha256, PrecisionQuality Quality, DateTimeOffset BuiltAt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(Int8Manifest))]
internal sealed partial class Int8ManifestJson : JsonSerializerContext;
