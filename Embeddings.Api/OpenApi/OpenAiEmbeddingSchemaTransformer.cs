using Embeddings.Api.Requests;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Embeddings.Api.OpenApi;

/// <summary>An OpenAI embedding's <c>embedding</c> is declared <c>object</c> because it is one of two shapes, as the
/// request's <c>encoding_format</c> asks: an array of floats, or their little-endian float32 bytes in base64.</summary>
public sealed class OpenAiEmbeddingSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is null && context.JsonTypeInfo.Type == typeof(OpenAiEmbedding) && schema.Properties is not null)
        {
            schema.Properties["embedding"] = new OpenApiSchema
            {
                Description = "The vector: an array of floats (`encoding_format` \"float\", the default), or its little-endian float32 bytes in base64 (\"base64\").",
                OneOf =
                [
                    new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Number, Format = "float" } },
                    new OpenApiSchema { Type = JsonSchemaType.String, ContentEncoding = "base64" },
                ],
            };
        }

        return Task.CompletedTask;
    }
}
