using System.Runtime.InteropServices;
using Embeddings.Api.Embedding;
using Embeddings.Api.Errors;
using Embeddings.Api.Metrics;
using Embeddings.Api.OpenApi;
using Embeddings.Api.Requests;
using Embeddings.Api.Security;
using Embeddings.Core.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Embeddings.Api.Apis;

/// <summary><c>POST /v1/embeddings</c>: OpenAI's embeddings API, so OpenAI clients work pointed at our base URL.</summary>
public static class OpenAiApi
{
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/embeddings", CreateEmbeddingsAsync)
            .WithName("CreateEmbeddings")
            .WithSummary("OpenAI-compatible embeddings: float arrays or base64 little-endian float32.")
            .WithTags("OpenAI")
            .Accepts<OpenAiEmbeddingRequest>("application/json")
            .RequireAuthorization(SecurityExtensions.EmbedPolicy)
            .ProducesEmbeddingProblems()
            .WithEmbeddingResponseHeaders()
            .WithJsonExamples(Examples.OpenAiRequests, Examples.OpenAiResponses)
            .AddEndpointFilter<EmbeddingRequestMetricsFilter>();
        return app;
    }

    /// <summary>Every refusal comes back as a value and is answered through the one table (<see cref="ErrorTable"/>).</summary>
    public static async Task<Results<Ok<OpenAiEmbeddingResponse>, ProblemHttpResult>> CreateEmbeddingsAsync(
        HttpContext context, RequestBodyReader reader, EmbeddingService embeddings, ModelRegistry registry)
    {
        var (request, unreadable) = await reader.ReadAsync(context.Request, ApiJsonContext.Default.OpenAiEmbeddingRequest, context.RequestAborted);
        if (unreadable is not null)
        {
            return ErrorTable.Problem(unreadable, context);
        }

        if (string.IsNullOrWhiteSpace(request!.Model))
        {
            return ErrorTable.Problem(RequestException.BadRequest("'model' is required."), context);
        }

        EmbeddingRequestMetricsFilter.SetModel(context, request.Model);
        if (request.EncodingFormat is not (null or "float" or "base64"))
        {
            return ErrorTable.Problem(
                RequestException.BadRequest($"'encoding_format' must be \"float\" or \"base64\", not \"{request.EncodingFormat}\"."), context);
        }

        if (!registry.TryGet(request.Model, out var found))
        {
            return ErrorTable.Problem(new ModelNotFoundException(request.Model), context);
        }

        // These models are not trained for shortened (Matryoshka) vectors, so only their full size is offered.
        var model = found.Model.Descriptor;
        if (request.Dimensions is { } dimensions && dimensions != model.Dimensions)
        {
            return ErrorTable.Problem(RequestException.BadRequest(
                $"Model '{model.Id}' produces {model.Dimensions} dimensions; 'dimensions' must be {model.Dimensions} or absent."), context);
        }

        var (outcome, refused) = await embeddings.EmbedAsync(model, request.Input, new EmbedSettings(), context.RequestAborted);
        if (refused is not null)
        {
            return ErrorTable.Problem(refused, context);
        }

        var base64 = request.EncodingFormat == "base64";
        var data = new OpenAiEmbedding[outcome!.Vectors.Count];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = new OpenAiEmbedding(i, base64 ? ToBase64(outcome.Vectors[i]) : outcome.Vectors[i]);
        }

        EmbeddingResponseHeaders.Write(context.Response, outcome);
        return TypedResults.Ok(new OpenAiEmbeddingResponse(data, outcome.Model.Id, new OpenAiUsage(outcome.Tokens, outcome.Tokens)));
    }

    /// <summary>OpenAI's base64 format: the float32 values in little-endian byte order.</summary>
    private static string ToBase64(float[] vector)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("base64 encoding assumes a little-endian machine.");
        }

        return Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan()));
    }
}
