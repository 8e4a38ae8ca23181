using Embeddings.Api.Embedding;
using Embeddings.Api.Errors;
using Embeddings.Api.Metrics;
using Embeddings.Api.OpenApi;
using Embeddings.Api.Requests;
using Embeddings.Api.Security;
using Embeddings.Core.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Embeddings.Api.Apis;

/// <summary><c>POST /embed/{model}</c>: the native embedding route.</summary>
public static class EmbedApi
{
    public static IEndpointRouteBuilder MapEmbedApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/embed/{model}", EmbedAsync)
            .WithName("Embed")
            .WithSummary("Embeds one text or an array of texts with the named model.")
            .WithTags("Embeddings")
            .Accepts<EmbedRequest>("application/json")
            .RequireAuthorization(SecurityExtensions.EmbedPolicy)
            .ProducesEmbeddingProblems()
            .WithEmbeddingResponseHeaders()
            .WithJsonExamples(Examples.EmbedRequests, Examples.EmbedResponses)
            .AddEndpointFilter<EmbeddingRequestMetricsFilter>();
        return app;
    }

    /// <summary>Every refusal comes back as a value and is answered through the one table (<see cref="ErrorTable"/>).</summary>
    public static async Task<Results<Ok<EmbedResponse>, ProblemHttpResult>> EmbedAsync(
        string model, HttpContext context, RequestBodyReader reader, ModelRegistry registry, EmbeddingService embeddings)
    {
        EmbeddingRequestMetricsFilter.SetModel(context, model);
        var (request, unreadable) = await reader.ReadAsync(context.Request, ApiJsonContext.Default.EmbedRequest, context.RequestAborted);
        if (unreadable is not null)
        {
            return ErrorTable.Problem(unreadable, context);
        }

        if (!registry.TryGet(model, out var found))
        {
            return ErrorTable.Problem(new ModelNotFoundException(model), context);
        }

        var (outcome, refused) = await embeddings.EmbedAsync(
            found.Model.Descriptor, request!.Inputs, new EmbedSettings(request.Truncate, request.Normalize, request.Prompt), context.RequestAborted);
        if (refused is not null)
        {
            return ErrorTable.Problem(refused, context);
        }

        EmbeddingResponseHeaders.Write(context.Response, outcome!);
        return TypedResults.Ok(new EmbedResponse(outcome!.Model.Id, outcome.Model.Dimensions, outcome.Vectors, new EmbedUsage(outcome.Tokens)));
    }
}
