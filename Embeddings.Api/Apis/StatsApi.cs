using Embeddings.Api.Stats;
using Embeddings.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Embeddings.Api.Apis;

/// <summary><c>GET /stats</c>: every live replica's stats of the last few seconds, per model, and their sum.</summary>
public static class StatsApi
{
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/stats", ReadAsync)
            .WithName("ClusterStats")
            .WithSummary("Live stats of every replica (shared through Redis when configured) and their sum, per model.")
            .WithTags("Models");
        return app;
    }

    public static async Task<Ok<ClusterStats>> ReadAsync(ILiveStatsStore store, HttpContext context) =>
        TypedResults.Ok(await store.ReadAsync(context.RequestAborted));
}
