namespace Embeddings.Api.Errors;

/// <summary>A request the API refuses before it reaches the engine: bad JSON or too large.</summary>
public sealed class RequestException(int statusCode, string title, string detail) : Exception(detail)
{
    public int StatusCode { get; } = statusCode;

    public string Title { get; } = title;

    public static RequestException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Invalid request", detail);

    public static RequestException TooLarge(string detail) => new(StatusCodes.Status413PayloadTooLarge, "Request too large", detail);
}
