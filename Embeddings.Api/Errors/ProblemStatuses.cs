namespace Embeddings.Api.Errors;

/// <summary>
/// What each status of a problem answer means in this API, and the headers that come with it: the words the OpenAPI
/// document gives every problem response (<see cref="OpenApi.ProblemResponsesTransformer"/>). The statuses are those of
/// <see cref="ErrorTable"/>, of the bearer key handler (401, and 429 for too many wrong keys) and of routing (415).
/// </summary>
public static class ProblemStatuses
{
    public const string RetryAfter = "Retry-After";
    public const string WwwAuthenticate = "WWW-Authenticate";

    /// <summary>A status's meaning, and the headers it carries: each header's name, whether every answer of that status
    /// has it, and what it says.</summary>
    public sealed record Status(string Description, params (string Name, bool Always, string Description)[] Headers);

    public static readonly IReadOnlyDictionary<int, Status> All = new Dictionary<int, Status>
    {
        [StatusCodes.Status400BadRequest] = new(
            "Invalid request: the body is not JSON of this route's shape (an unknown, repeated or mistyped member), a required "
            + "value is missing, or a value is out of range; `detail` says which and where."),
        [StatusCodes.Status401Unauthorized] = new(
            "No valid bearer key for this route (or none is configured on the server); `detail` says which.",
            (WwwAuthenticate, true, "`Bearer`.")),
        [StatusCodes.Status404NotFound] = new("Unknown model: the path names no model this server serves."),
        [StatusCodes.Status409Conflict] = new("Another batching change was stored at the same time and this one could not be applied over it; read and retry."),
        [StatusCodes.Status413PayloadTooLarge] = new(
            "Request too large: the body (Embeddings:MaxRequestBytes), the number of inputs (Embeddings:MaxClientBatch) or an "
            + "input's length (Embeddings:MaxInputChars) is over its limit."),
        [StatusCodes.Status415UnsupportedMediaType] = new("The body is not JSON: send `Content-Type: application/json`."),
        [StatusCodes.Status429TooManyRequests] = new(
            "Too many requests: the model's queue is full, or holds more than it can answer within the model's latency target "
            + "(embedding routes), or this client sent too many wrong keys (routes that "
            + "need a key; then every key it sends is refused for a while). Retry after `Retry-After` seconds.",
            (RetryAfter, true, "Seconds to wait before retrying.")),
        [StatusCodes.Status503ServiceUnavailable] = new(
            "Unavailable: this replica is shutting down (another can take the request now) or the model's engine has failed "
            + "(embedding routes), or the config store (Redis) cannot be reached (batching changes).",
            (RetryAfter, false, "Seconds to wait before retrying, when retrying (elsewhere) can help: 1 while shutting down.")),
    };
}
