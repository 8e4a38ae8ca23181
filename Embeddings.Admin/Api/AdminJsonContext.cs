using System.Text.Json;
using System.Text.Json.Serialization;
using Embeddings.Contracts;

namespace Embeddings.Admin.Api;

/// <summary>Source-generated JSON for what the admin reads from and sends to the API. Absent members stay absent, so a
/// <see cref="BatchingPatch"/> carries only the options it changes.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelInfo))]
[JsonSerializable(typeof(IReadOnlyList<ModelInfo>))]
[JsonSerializable(typeof(ClusterStats))]
[JsonSerializable(typeof(BatchingState))]
[JsonSerializable(typeof(BatchingPatch))]
[JsonSerializable(typeof(ProblemAnswer))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;

/// <summary>The parts of an RFC 7807 problem answer that the admin shows.</summary>
internal sealed record ProblemAnswer(string? Title, string? Detail, int? Status);
