using System.Globalization;
using Embeddings.Contracts;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Embeddings.Api.Config;

/// <summary>
/// The OpenAPI schema of the PUT body, from the table of options: <see cref="BatchingPatch"/> is read by its own
/// converter, which the schema generator cannot see through, so this says what it reads: an object with any subset of
/// the options, each with its type, range and help, and nothing else.
/// </summary>
public sealed class BatchingPatchSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type == typeof(BatchingPatch))
        {
            schema.Type = JsonSchemaType.Object;
            schema.Description = "Any subset of the batching options; a member that is not an option, or a value of the wrong type, is refused (400).";
            schema.AdditionalPropertiesAllowed = false;
            schema.Properties = BatchingOption.All.ToDictionary(option => option.Name, option => (IOpenApiSchema)Describe(option));
        }

        return Task.CompletedTask;
    }

    private static OpenApiSchema Describe(BatchingOption option) => new()
    {
        Type = (option.Type.Kind switch
        {
            OptionKind.Integer => JsonSchemaType.Integer,
            OptionKind.Real => JsonSchemaType.Number,
            _ => JsonSchemaType.Boolean,
        }) | (option.Type.Nullable ? JsonSchemaType.Null : 0),
        Format = option.Type.Kind switch
        {
            OptionKind.Integer => "int32",
            OptionKind.Real => "double",
            _ => null,
        },
        Minimum = option.Type.Min?.ToString(CultureInfo.InvariantCulture),
        Maximum = option.Type.Max?.ToString(CultureInfo.InvariantCulture),
        Description = $"{option.Label}: {option.Help}.",
    };
}
