namespace Embeddings.Api.Errors;

/// <summary>
/// The one error path: every exception a request throws comes here. Those in <see cref="ErrorTable"/> become their
/// problem answer; any other is logged and left to the framework's 500 problem (a 500 is a bug).
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger)
    : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (ErrorTable.Find(exception) is not { } row)
        {
            LogUnexpected(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            return false;
        }

        httpContext.Response.StatusCode = row.Status;
        ErrorTable.AddHeaders(exception, httpContext.Response);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = row.Status, Title = row.Title, Detail = exception.Message },
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error answering {Method} {Path}; the caller gets a 500.")]
    private static partial void LogUnexpected(ILogger logger, Exception error, string method, string path);
}
