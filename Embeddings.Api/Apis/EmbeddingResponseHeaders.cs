using System.Globalization;
using Embeddings.Api.Embedding;
using Microsoft.OpenApi;

namespace Embeddings.Api.Apis;

/// <summary>
/// <c>x-cache-hits</c> (inputs served from the cache), and <c>x-queue-time</c> and <c>x-inference-time</c> (ms) and
/// <c>x-batch-size</c> (items): for a request with several inputs, the slowest computed input's figures; all zero when
/// the cache answered everything.
/// </summary>
public static class EmbeddingResponseHeaders
{
    /// <summary>Each header this writes on a 200, with what it says and its JSON schema type.</summary>
    private static readonly (string Name, string Description, JsonSchemaType Type)[] Headers =
    [
        ("x-cache-hits", "Inputs answered from the result cache.", JsonSchemaType.Integer),
        ("x-queue-time", "Milliseconds the slowest computed input waited in its model's queue (0 when the cache answered everything).", JsonSchemaType.Number),
        ("x-inference-time", "Milliseconds of the model call that computed the slowest input.", JsonSchemaType.Number),
        ("x-batch-size", "Inputs in that model call (its batch).", JsonSchemaType.Integer),
    ];

    public static void Write(HttpResponse response, EmbedOutcome outcome)
    {
        var timings = outcome.SlowestTimings;
        response.Headers["x-cache-hits"] = outcome.CacheHits.ToString(CultureInfo.InvariantCulture);
        response.Headers["x-queue-time"] = timings.QueueTime.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        response.Headers["x-inference-time"] = timings.InferenceTime.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        response.Headers["x-batch-size"] = timings.BatchSize.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Declares the headers on the route's 200 answer in the OpenAPI document.</summary>
    public static RouteHandlerBuilder WithEmbeddingResponseHeaders(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
            {
                response.Headers = Headers.ToDictionary(
                    header => header.Name,
                    header => (IOpenApiHeader)new OpenApiHeader { Description = header.Description, Required = true, Schema = new OpenApiSchema { Type = header.Type } });
            }

            return Task.CompletedTask;
        });
}
