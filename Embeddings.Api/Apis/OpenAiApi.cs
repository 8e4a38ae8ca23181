using System.Runtime.InteropServices;
using Embeddings.Api.Embedding;
using Embeddings.Api.Errors;
using Embeddings.Api.Metrics;
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
            .AddEndpointFilter<EmbeddingRequestMetricsFilter>();
        return app;
    }

    /// <summary>Errors are thrown and answered by the one exception handler (<see cref="ErrorTable"/>).</summary>
    public static async Task<Ok<OpenAiEmbeddingResponse>> CreateEmbeddingsAsync(
        HttpContext context, RequestBodyReader reader, EmbeddingService embeddings, ModelRegistry registry)
    {
        var request = await reader.ReadAsync(context.Request, ApiJsonContext.Default.OpenAiEmbeddingRequest, context.RequestAborted);
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            throw RequestException.BadRequest("'model' is required.");
        }

        EmbeddingRequestMetricsFilter.SetModel(context, request.Model);
        var base64 = request.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            _ => throw RequestException.BadRequest($"'encoding_format' must be \"float\" or \"base64\", not \"{request.EncodingFormat}\"."),
        };

        // These models are not trained for shortened (Matryoshka) vectors, so only their full size is offered.
        var model = registry.Get(request.Model).Model.Descriptor;
        if (request.Dimensions is { } dimensions && dimensions != model.Dimensions)
        {
            throw RequestException.BadRequest(
                $"Model '{model.Id}' produces {model.Dimensions} dimensions; 'dimensions' must be {model.Dimensions} or absent.");
        }

        var outcome = await embeddings.EmbedAsync(model.Id, request.Input, new EmbedSettings(), context.RequestAborted);

        var data = new OpenAiEmbedding[outcome.Vectors.Count];
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
