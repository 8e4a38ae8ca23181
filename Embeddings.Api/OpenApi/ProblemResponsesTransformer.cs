using System.Globalization;
using Embeddings.Api.Errors;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Embeddings.Api.OpenApi;

/// <summary>Every problem response (<c>application/problem+json</c>) an operation declares gets what its status means in
/// this API and the headers it carries (<see cref="ProblemStatuses"/>); a problem status with no meaning there is a
/// bug in the table, refused here rather than documented vaguely.</summary>
public sealed class ProblemResponsesTransformer : IOpenApiOperationTransformer
{
    public const string ProblemJson = "application/problem+json";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var (code, response) in operation.Responses ?? new OpenApiResponses())
        {
            if (response is not OpenApiResponse { Content: { } content } problem || !content.ContainsKey(ProblemJson))
            {
                continue;
            }

            if (!ProblemStatuses.All.TryGetValue(int.Parse(code, CultureInfo.InvariantCulture), out var status))
            {
                throw new InvalidOperationException($"{context.Description.RelativePath} declares a {code} problem that ProblemStatuses does not describe.");
            }

            problem.Description = status.Description;
            problem.Headers = status.Headers.ToDictionary(
                header => header.Name,
                header => (IOpenApiHeader)new OpenApiHeader
                {
                    Description = header.Description,
                    Required = header.Always,
                    Schema = new OpenApiSchema { Type = header.Name == ProblemStatuses.RetryAfter ? JsonSchemaType.Integer : JsonSchemaType.String },
                });
        }

        return Task.CompletedTask;
    }
}
