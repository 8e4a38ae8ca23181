using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Embeddings.Api.OpenApi;

/// <summary>Named JSON examples of a route's request body and of its 200 answer, for the OpenAPI document.</summary>
public static class OperationExamples
{
    public const string Json = "application/json";

    /// <summary>One example: its name, a line that says what it shows, and the JSON itself.</summary>
    public sealed record Example(string Name, string Summary, string Value);

    public static RouteHandlerBuilder WithJsonExamples(this RouteHandlerBuilder builder, Example[] requests, Example[] responses) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.RequestBody?.Content?.TryGetValue(Json, out var request) == true)
            {
                request.Examples = Describe(requests);
            }

            if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content?.TryGetValue(Json, out var answer) == true)
            {
                answer.Examples = Describe(responses);
            }

            return Task.CompletedTask;
        });

    private static Dictionary<string, IOpenApiExample> Describe(Example[] examples) => examples.ToDictionary(
        example => example.Name,
        example => (IOpenApiExample)new OpenApiExample { Summary = example.Summary, Value = JsonNode.Parse(example.Value) });
}
