using Embeddings.Api.Config;
using Embeddings.Api.Errors;
using Embeddings.Api.OpenApi;
using Embeddings.Api.Requests;
using Embeddings.Api.Security;
using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Embeddings.Api.Apis;

/// <summary>The model catalog, with live batching options, their config version and stats, and live tuning (admin key
/// required): a change is stored (in Redis when configured) and applied by every replica.</summary>
public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/models").WithTags("Models");

        models.MapGet("/", ListModels)
            .WithName("ListModels")
            .WithSummary("Lists every served model with its batching options, their config version, and live stats.");

        models.MapGet("/{model}", GetModel)
            .WithName("GetModel")
            .WithSummary("One model with its batching options, their config version, and live stats.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var tuning = models.MapGroup("/{model}/batching")
            .RequireAuthorization(SecurityExtensions.AdminPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests) // too many wrong keys from this client
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        tuning.MapPut("/", UpdateBatchingAsync)
            .WithName("UpdateBatching")
            .WithSummary("Changes any subset of a model's batching options, live on every replica. Needs Authorization: Bearer <admin key>; "
                + "an optional x-updated-by header names who changed it.")
            .Accepts<BatchingPatch>("application/json")
            .WithJsonExamples(Examples.BatchingRequests, Examples.BatchingResponses)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        tuning.MapDelete("/", ResetBatchingAsync)
            .WithName("ResetBatching")
            .WithSummary("Puts a model's batching options back to their configured defaults, live on every replica. Needs the admin key.");

        return app;
    }

    public static Ok<IReadOnlyList<ModelInfo>> ListModels(ModelRegistry registry, BatchProcessor processor, IBatchingConfigStore store) =>
        TypedResults.Ok<IReadOnlyList<ModelInfo>>(registry.All.Select(m => Describe(m.Model.Descriptor, processor, store)).ToList());

    public static Results<Ok<ModelInfo>, ProblemHttpResult> GetModel(
        string model, HttpContext context, ModelRegistry registry, BatchProcessor processor, IBatchingConfigStore store) =>
        registry.TryGet(model, out var found)
            ? TypedResults.Ok(Describe(found.Model.Descriptor, processor, store))
            : ErrorTable.Problem(new ModelNotFoundException(model), context);

    /// <summary>The store's own failures (Redis unavailable, conflicts, invalid options) are thrown and answered by the
    /// one table; an unknown model and an unreadable body come back as values.</summary>
    public static async Task<Results<Ok<BatchingState>, ProblemHttpResult>> UpdateBatchingAsync(
        string model, HttpContext context, ModelRegistry registry, RequestBodyReader reader, IBatchingConfigStore store)
    {
        if (!registry.TryGet(model, out var found))
        {
            return ErrorTable.Problem(new ModelNotFoundException(model), context);
        }

        var (patch, unreadable) = await reader.ReadAsync(context.Request, ApiJsonContext.Default.BatchingPatch, context.RequestAborted);
        return unreadable is not null
            ? ErrorTable.Problem(unreadable, context)
            : TypedResults.Ok(await store.UpdateAsync(found.Id, patch!, UpdatedBy(context), context.RequestAborted));
    }

    public static async Task<Results<Ok<BatchingState>, ProblemHttpResult>> ResetBatchingAsync(
        string model, HttpContext context, ModelRegistry registry, IBatchingConfigStore store) =>
        registry.TryGet(model, out var found)
            ? TypedResults.Ok(await store.ResetAsync(found.Id, UpdatedBy(context), context.RequestAborted))
            : ErrorTable.Problem(new ModelNotFoundException(model), context);

    private static ModelInfo Describe(ModelDescriptor model, BatchProcessor processor, IBatchingConfigStore store)
    {
        var options = processor.GetOptions(model.Id);
        return new(
            model.Id,
            model.Dimensions,
            model.MaxTokens,
            model.Pooling.ToString().ToLowerInvariant(),
            model.Normalize,
            model.ExecutionProvider,
            model.Revision,
            model.Prompts,
            options,
            store.Describe(model.Id),
            processor.GetStats(model.Id),
            Limits(model, options))
        {
            Precision = model.Precision,
            Quality = model.Quality,
            Slots = new SlotUse(processor.InferenceSlots, processor.SlotsHeld(model.Id), Math.Min(options.MaxConcurrentBatches, processor.InferenceSlots)),
            Latency = processor.GetLatency(model.Id) is { } latency
                ? new LatencyTargetInfo(latency.TargetP95Ms, latency.BatchSize, latency.WaitMs, latency.CapacityPerSecond, latency.ObservedP95Ms)
                : null,
        };
    }

    /// <summary>The largest batch at a few input lengths (powers of two from 16, and the model's limit).</summary>
    private static BatchLimits Limits(ModelDescriptor model, BatchingOptions options)
    {
        var lengths = Enumerable.Range(4, 16).Select(p => 1 << p).Where(t => t < model.MaxTokens).Append(model.MaxTokens);
        return new BatchLimits(
            (int)Math.Min(int.MaxValue, model.Memory.BudgetBytes / (1024 * 1024)),
            lengths.ToDictionary(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture), t => BatchPlanner.LargestBatch(t, options, model.Memory)));
    }

    /// <summary>Who made a change: the caller's <c>x-updated-by</c> (printable, at most 100 characters), else its address.</summary>
    private static string UpdatedBy(HttpContext context)
    {
        var named = new string([.. context.Request.Headers["x-updated-by"].ToString().Where(c => !char.IsControl(c)).Take(100)]).Trim();
        return named.Length > 0 ? named : $"admin key from {context.Connection.RemoteIpAddress}";
    }
}
