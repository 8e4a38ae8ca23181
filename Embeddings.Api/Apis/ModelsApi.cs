using Embeddings.Api.Config;
using Embeddings.Api.Contracts;
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
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        tuning.MapPut("/", UpdateBatchingAsync)
            .WithName("UpdateBatching")
            .WithSummary("Changes any subset of a model's batching options, live on every replica. Needs Authorization: Bearer <admin key>; "
                + "an optional x-updated-by header names who changed it.")
            .Accepts<BatchingPatch>("application/json")
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

    public static Ok<ModelInfo> GetModel(string model, ModelRegistry registry, BatchProcessor processor, IBatchingConfigStore store) =>
        TypedResults.Ok(Describe(registry.Get(model).Model.Descriptor, processor, store));

    public static async Task<Ok<BatchingState>> UpdateBatchingAsync(
        string model, HttpContext context, ModelRegistry registry, RequestBodyReader reader, IBatchingConfigStore store)
    {
        var id = registry.Get(model).Id;
        var patch = await reader.ReadAsync(context.Request, ApiJsonContext.Default.BatchingPatch, context.RequestAborted);
        return TypedResults.Ok(await store.UpdateAsync(id, patch, UpdatedBy(context), context.RequestAborted));
    }

    public static async Task<Ok<BatchingState>> ResetBatchingAsync(
        string model, HttpContext context, ModelRegistry registry, IBatchingConfigStore store) =>
        TypedResults.Ok(await store.ResetAsync(registry.Get(model).Id, UpdatedBy(context), context.RequestAborted));

    private static ModelInfo Describe(ModelDescriptor model, BatchProcessor processor, IBatchingConfigStore store) => new(
        model.Id,
        model.Dimensions,
        model.MaxTokens,
        model.Pooling.ToString().ToLowerInvariant(),
        model.Normalize,
        model.ExecutionProvider,
        model.Revision,
        model.Prompts,
        processor.GetOptions(model.Id),
        store.Describe(model.Id),
        processor.GetStats(model.Id))
    {
        Precision = model.Precision,
        Quality = model.Quality,
    };

    /// <summary>Who made a change: the caller's <c>x-updated-by</c> (printable, at most 100 characters), else its address.</summary>
    private static string UpdatedBy(HttpContext context)
    {
        var named = new string([.. context.Request.Headers["x-updated-by"].ToString().Where(c => !char.IsControl(c)).Take(100)]).Trim();
        return named.Length > 0 ? named : $"admin key from {context.Connection.RemoteIpAddress}";
    }
}
