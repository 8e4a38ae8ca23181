using Embeddings.Api.Config;
using Embeddings.Api.Contracts;
using Embeddings.Api.Security;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Embeddings.Api.Apis;

/// <summary>The model catalog, with live batching options and stats, and live tuning (admin key required).</summary>
public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/models").WithTags("Models");

        models.MapGet("/", ListModels)
            .WithName("ListModels")
            .WithSummary("Lists every served model with its batching options and live stats.");

        models.MapGet("/{model}", GetModel)
            .WithName("GetModel")
            .WithSummary("One model with its batching options and live stats.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        models.MapPut("/{model}/batching", UpdateBatchingAsync)
            .WithName("UpdateBatching")
            .WithSummary("Changes a model's batching options live (any subset). Needs Authorization: Bearer <admin key>.")
            .RequireAuthorization(SecurityExtensions.AdminPolicy)
            .Accepts<BatchingPatch>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        return app;
    }

    public static Ok<IReadOnlyList<ModelInfo>> ListModels(ModelRegistry registry, BatchProcessor processor) =>
        TypedResults.Ok<IReadOnlyList<ModelInfo>>(registry.All.Select(m => ModelInfo.From(m.Model.Descriptor, processor)).ToList());

    public static Ok<ModelInfo> GetModel(string model, ModelRegistry registry, BatchProcessor processor) =>
        TypedResults.Ok(ModelInfo.From(registry.Get(model).Model.Descriptor, processor));

    public static async Task<Ok<BatchingOptions>> UpdateBatchingAsync(
        string model, HttpContext context, ModelRegistry registry, RequestBodyReader reader, IBatchingConfigStore store)
    {
        var id = registry.Get(model).Id;
        var patch = await reader.ReadAsync(context.Request, ApiJsonContext.Default.BatchingPatch, context.RequestAborted);
        return TypedResults.Ok(await store.UpdateAsync(id, patch, context.RequestAborted));
    }
}
