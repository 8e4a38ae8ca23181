using System.Diagnostics;
using System.Globalization;
using Embeddings.Core.Models;

namespace Embeddings.Api.Metrics;

/// <summary>Counts each embedding request by model and status, and times it.</summary>
public sealed class EmbeddingRequestMetricsFilter(EmbeddingsMetrics metrics, ModelRegistry registry) : IEndpointFilter
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
            status = StatusOf(result);
            return result;
        }
        catch (OperationCanceledException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            status = 499; // the client went away
            throw;
        }
        finally
        {
            // Unknown names share one label, so junk model names cannot blow up the series count.
            var model = context.HttpContext.Items[ModelItem] as string;
            var label = model is not null && registry.TryGet(model, out var found) ? found.Id : "unknown";
            metrics.Requests.WithLabels(label, status.ToString(CultureInfo.InvariantCulture)).Inc();
            metrics.RequestDuration.WithLabels(label).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>The status a handler's result will write; typed unions wrap the real result.</summary>
    private static int StatusOf(object? result) => result switch
    {
        INestedHttpResult nested => StatusOf(nested.Result),
        IStatusCodeHttpResult { StatusCode: { } code } => code,
        _ => StatusCodes.Status200OK,
    };
}
