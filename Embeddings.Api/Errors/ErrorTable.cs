using System.Globalization;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Embeddings.Api.Errors;

/// <summary>
/// The one table from errors to HTTP answers. Every refusal is an RFC 7807 problem that says what was wrong, whether it
/// came back as a value (<see cref="Problem"/>) or was thrown (<see cref="ProblemExceptionHandler"/>); an error not in
/// the table is a bug, answered 500 and logged.
/// </summary>
public static partial class ErrorTable
{
    /// <summary>The status and title for an error, or null when it is not in the table.</summary>
    public static (int Status, string Title)? Find(Exception exception) => exception switch
    {
        RequestException e => (e.StatusCode, e.Title),
        ModelNotFoundException => (StatusCodes.Status404NotFound, "Unknown model"),
        InvalidOptionsException => (StatusCodes.Status400BadRequest, "Invalid batching options"),
        InvalidInputException => (StatusCodes.Status400BadRequest, "Invalid input"),
        QueueFullException => (StatusCodes.Status429TooManyRequests, "Model queue full"),
        OverTargetException => (StatusCodes.Status429TooManyRequests, "Over latency target"),
        ShuttingDownException => (StatusCodes.Status503ServiceUnavailable, "Shutting down"),
        ModelFailedException => (StatusCodes.Status503ServiceUnavailable, "Model unavailable"),
        BadHttpRequestException e => (e.StatusCode, "Bad request"),
        Config.ConfigStoreUnavailableException => (StatusCodes.Status503ServiceUnavailable, "Config store unavailable"),
        Config.ConfigConflictException => (StatusCodes.Status409Conflict, "Concurrent batching changes"),
        _ => null,
    };

    /// <summary>The problem answer to an error a handler got back as a value, with its headers set on the response. An
    /// error the table does not know is a bug: logged, and answered 500.</summary>
    public static ProblemHttpResult Problem(Exception error, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(context);
        if (Find(error) is not { } row)
        {
            LogUnexpected(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ErrorTable)),
                error, context.Request.Method, context.Request.Path);
            return TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Unexpected error");
        }

        AddHeaders(error, context.Response);
        return TypedResults.Problem(statusCode: row.Status, title: row.Title, detail: error.Message);
    }

    /// <summary>Headers that go with some answers: when to retry.</summary>
    public static void AddHeaders(Exception exception, HttpResponse response)
    {
        if (exception is QueueFullException full)
        {
            response.Headers.RetryAfter = RetryAfterSeconds(full.RetryAfter).ToString(CultureInfo.InvariantCulture);
        }
        else if (exception is OverTargetException late)
        {
            response.Headers.RetryAfter = RetryAfterSeconds(late.RetryAfter).ToString(CultureInfo.InvariantCulture);
        }
        else if (exception is ShuttingDownException)
        {
            response.Headers.RetryAfter = "1"; // another replica can take it now
        }
    }

    /// <summary>Whole seconds, rounded up, at least 1: what a Retry-After header can say.</summary>
    public static int RetryAfterSeconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error answering {Method} {Path}; the caller gets a 500.")]
    internal static partial void LogUnexpected(ILogger logger, Exception error, string method, string path);
}
