using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Embeddings.Api.OpenApi;

/// <summary>What the API is (<c>info</c>: title, description, version, licence), what each tag groups, and server URLs
/// without a trailing slash (a client joins them with paths that start with one).</summary>
public sealed class DocumentInfoTransformer : IOpenApiDocumentTransformer
{
    public const string Version = "1.0.0";

    /// <summary>The tags the routes use (<c>.WithTags</c>), each with what it groups.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tags = new Dictionary<string, string>
    {
        ["Embeddings"] = "Text in, vectors out: the native embedding route. Inputs are batched with other callers' per model; "
            + "the answer keeps input order and says how long the input queued and ran (x-queue-time, x-inference-time, x-batch-size).",
        ["OpenAI"] = "OpenAI's embeddings API, so OpenAI SDKs and Microsoft.Extensions.AI work with this server's /v1 as their base URL.",
        ["Models"] = "The served models with their live batching options and stats, every replica's live stats, and live tuning of a "
            + "model's batching (admin key).",
    };

    private const string Description = """
        A self-hosted text-embedding server with per-model dynamic batching over ONNX Runtime. Replicas share their batching
        configuration, a result cache and their live stats through Redis.

        **Security.** Live tuning (`PUT`/`DELETE /models/{model}/batching`) needs the admin key (`adminKey`,
        `Authorization: Bearer <Embeddings:AdminKey>`). The embedding routes need an API key (`apiKey`, any one of
        `Embeddings:ApiKeys`) only where keys are configured: this document is served by the server it describes, so it
        declares the `apiKey` scheme and requires it exactly when that server does; everything else is open (`security: []`).
        A client that sends too many wrong keys gets 429 with `Retry-After` for a while, whatever key it sends.

        **Errors** are RFC 7807 problem answers (`application/problem+json`) whose `detail` says what was wrong; 429 and
        503 carry `Retry-After` where waiting helps.
        """;

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Embeddings API",
            Version = Version,
            Description = Description,
            License = new OpenApiLicense { Name = "Proprietary" },
        };

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            tag.Description = tag.Name is { } name && Tags.TryGetValue(name, out var description) ? description : tag.Description;
        }

        foreach (var server in document.Servers ?? new List<OpenApiServer>())
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        return Task.CompletedTask;
    }
}
