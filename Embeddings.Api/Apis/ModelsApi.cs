using System.Security.Cryptography;
using System.Text;
using Embeddings.Api.Config;
using Embeddings.Api.Contracts;
using Embeddings.Api.Errors;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Embeddings.Api.Apis;

/// <summary>The model catalog, with live batching options and stats, and live tuning.</summary>
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
            .Accepts<BatchingPatch>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        return app;
    }

    public static Ok<IReadOnlyList<ModelInfo>> ListModels(ModelRegistry registry, BatchProcessor processor) =>
        TypedResults.Ok<IReadOnlyList<ModelInfo>>(registry.All.Select(m => ModelInfo.From(m.Model.Descriptor, processor)).ToList());

    public static Results<Ok<ModelInfo>, ProblemHttpResult> GetModel(
        string model, HttpContext context, ModelRegistry registry, BatchProcessor processor)
    {
        try
        {
            return TypedResults.Ok(ModelInfo.From(registry.Get(model).Model.Descriptor, processor));
        }
        catch (Exception ex) when (ErrorTable.TryMap(ex, context, out var problem))
        {
            return problem;
        }
    }

    public static async Task<Results<Ok<BatchingOptions>, ProblemHttpResult>> UpdateBatchingAsync(
        string model,
        HttpContext context,
        ModelRegistry registry,
        RequestBodyReader reader,
        IBatchingConfigStore store,
        IOptions<ApiOptions> options)
    {
        try
        {
            RequireAdminKey(context.Request, options.Value.AdminKey);
            var id = registry.Get(model).Id;
            var patch = await reader.ReadAsync(context.Request, ApiJsonContext.Default.BatchingPatch, context.RequestAborted);
            return TypedResults.Ok(await store.UpdateAsync(id, patch, context.RequestAborted));
        }
        catch (Exception ex) when (ErrorTable.TryMap(ex, context, out var problem))
        {
            return problem;
        }
    }

    private static void RequireAdminKey(HttpRequest request, string? adminKey)
    {
        if (string.IsNullOrEmpty(adminKey))
        {
            throw RequestException.Unauthorized("Live tuning is disabled: no admin key is configured (Embeddings:AdminKey).");
        }

        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var given = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(adminKey)))
        {
            throw RequestException.Unauthorized("Send the admin key as 'Authorization: Bearer <key>'.");
        }
    }
}
