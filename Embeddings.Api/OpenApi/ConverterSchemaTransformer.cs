using Embeddings.Api.Requests;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Embeddings.Api.OpenApi;

/// <summary>
/// The text inputs (<c>inputs</c> of <c>POST /embed/{model}</c>, <c>input</c> of <c>POST /v1/embeddings</c>) are read by
/// <see cref="StringOrArrayConverter"/>, which the schema generator cannot see through: it says what that converter
/// reads, one string or an array of strings, and that the member is required (absent or null is a 400).
/// </summary>
public sealed class ConverterSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is not null || schema.Properties is null)
        {
            return Task.CompletedTask;
        }

        foreach (var property in context.JsonTypeInfo.Properties.Where(p => p.CustomConverter is StringOrArrayConverter))
        {
            schema.Properties[property.Name] = new OpenApiSchema
            {
                Description = "One text, or an array of texts (answered in the same order).",
                OneOf =
                [
                    new OpenApiSchema { Type = JsonSchemaType.String },
                    new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                ],
            };
            schema.Required ??= new HashSet<string>();
            schema.Required.Add(property.Name);
        }

        return Task.CompletedTask;
    }
}
