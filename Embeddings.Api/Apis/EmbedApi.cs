using Embeddings.Api.Embedding;
using Embeddings.Api.Metrics;
using Embeddings.Api.Requests;
using Embeddings.Api.Security;
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
            .AddEndpointFilter<EmbeddingRequestMetricsFilter>();
        return app;
    }

    /// <summary>Errors are thrown and answered by the one exception handler (<see cref="Errors.ErrorTable"/>).</summary>
    public static async Task<Ok<EmbedResponse>> EmbedAsync(
        string model, HttpContext context, RequestBodyReader reader, EmbeddingService embeddings)
    {
        EmbeddingRequestMetricsFilter.SetModel(context, model);
        var request = await reader.ReadAsync(context.Request, ApiJsonContext.Default.EmbedRequest, context.RequestAborted);
        var outcome = await embeddings.EmbedAsync(
            model, request.Inputs, new EmbedSettings(request.Truncate, request.Normalize, request.Prompt), context.RequestAborted);

        EmbeddingResponseHeaders.Write(context.Response, outcome);
        return TypedResults.Ok(new EmbedResponse(outcome.Model.Id, outcome.Model.Dimensions, outcome.Vectors, new EmbedUsage(outcome.Tokens)));
    }
}
