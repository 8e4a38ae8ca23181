using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Embeddings.Api.OpenApi;

/// <summary>The problem answer's schema says what it is (RFC 9457, formerly 7807) and the member the server adds to
/// every one, <c>traceId</c>, which finds the request in the traces and logs.</summary>
public sealed class ProblemDetailsSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is null && context.JsonTypeInfo.Type == typeof(ProblemDetails) && schema.Properties is not null)
        {
            schema.Description = "An RFC 9457 (formerly 7807) problem: `status` and `title` say which error, `detail` what was wrong.";
            schema.Properties["traceId"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The W3C trace context of the request, to find it in the traces and logs.",
            };
        }

        return Task.CompletedTask;
    }
}
