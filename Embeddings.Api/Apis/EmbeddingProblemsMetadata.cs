namespace Embeddings.Api.Apis;

internal static class EmbeddingProblemsMetadata
{
    /// <summary>The statuses of the error table that an embedding route can answer, so the OpenAPI document is true.</summary>
    public static RouteHandlerBuilder ProducesEmbeddingProblems(this RouteHandlerBuilder builder) => builder
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
