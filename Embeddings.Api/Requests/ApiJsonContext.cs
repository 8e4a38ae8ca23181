using System.Text.Json;
using System.Text.Json.Serialization;
using Embeddings.Contracts;

namespace Embeddings.Api.Requests;

/// <summary>
/// Source-generated JSON for every body the API reads or writes: no reflection on the request path.
/// Unknown members, duplicate members and numbers in strings are refused, so a misspelt or repeated option is a 400,
/// not a silent default.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict,
    AllowDuplicateProperties = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EmbedRequest))]
[JsonSerializable(typeof(EmbedResponse))]
[JsonSerializable(typeof(OpenAiEmbeddingRequest))]
[JsonSerializable(typeof(OpenAiEmbeddingResponse))]
[JsonSerializable(typeof(float[]))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(BatchingPatch))]
[JsonSerializable(typeof(ModelInfo))]
[JsonSerializable(typeof(BatchingState))]
[JsonSerializable(typeof(ClusterStats))]
[JsonSerializable(typeof(ReplicaStats))]
[JsonSerializable(typeof(Apis.PrometheusTargetGroup[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyList<ModelInfo>))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
