namespace Embeddings.Api.Errors;

/// <summary>
/// The error path for what is thrown rather than returned (Kestrel's bad requests, the config store, bugs): those in
/// <see cref="ErrorTable"/> become their problem answer; any other is logged and left to the framework's 500 problem
/// (a 500 is a bug).
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger)
    : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (ErrorTable.Find(exception) is not { } row)
        {
            ErrorTable.LogUnexpected(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
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
}
