using System.Globalization;
using Embeddings.Core.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Embeddings.Api.Errors;

/// <summary>
/// The one table from errors to HTTP answers. Every refusal is an RFC 7807 problem that says what was wrong.
/// </summary>
public static class ErrorTable
{
    public static bool TryMap(Exception exception, HttpContext context, out ProblemHttpResult problem)
    {
        (int Status, string Title)? row = exception switch
        {
            RequestException e => (e.StatusCode, e.Title),
            ModelNotFoundException => (StatusCodes.Status404NotFound, "Unknown model"),
            InvalidOptionsException => (StatusCodes.Status400BadRequest, "Invalid batching options"),
            InvalidInputException => (StatusCodes.Status400BadRequest, "Invalid input"),
            QueueFullException => (StatusCodes.Status429TooManyRequests, "Model queue full"),
            ShuttingDownException => (StatusCodes.Status503ServiceUnavailable, "Shutting down"),
            ModelFailedException => (StatusCodes.Status503ServiceUnavailable, "Model unavailable"),
            _ => null,
        };

        if (row is not { } found)
        {
            problem = null!;
            return false;
        }

        if (exception is QueueFullException full)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(full.RetryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        if (found.Status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        problem = TypedResults.Problem(statusCode: found.Status, title: found.Title, detail: exception.Message);
        return true;
    }
}
