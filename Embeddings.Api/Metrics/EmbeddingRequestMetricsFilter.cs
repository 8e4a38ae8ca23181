using System.Diagnostics;
using Embeddings.Api.Errors;
using Embeddings.Core.Models;

namespace Embeddings.Api.Metrics;

/// <summary>Counts each embedding request by model and status, and times it.</summary>
public sealed class EmbeddingRequestMetricsFilter(ApiMetrics metrics, ModelRegistry registry) : IEndpointFilter
{
    private const string ModelItem = "embeddings.model";

    /// <summary>Handlers call this as soon as they know the model, so the metrics carry its label.</summary>
    public static void SetModel(HttpContext context, string model) => context.Items[ModelItem] = model;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCodes.Status500InternalServerError;
        try
        {
            var result = await next(context);
            var answered = result is INestedHttpResult nested ? nested.Result : result; // Results<Ok<T>, ProblemHttpResult>
            status = answered is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
            return result;
        }
        catch (OperationCanceledException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            status = 499; // the client went away
            throw;
        }
        catch (Exception ex) when (ErrorTable.Find(ex) is { } row)
        {
            status = row.Status; // the exception handler answers it
            throw;
        }
        finally
        {
            // Unknown names share one label, so junk model names cannot blow up the series count.
            var model = context.HttpContext.Items[ModelItem] as string;
            metrics.RequestAnswered(model is not null && registry.TryGet(model, out var found) ? found.Id : ApiMetrics.UnknownModel, status, Stopwatch.GetElapsedTime(started));
        }
    }
}
