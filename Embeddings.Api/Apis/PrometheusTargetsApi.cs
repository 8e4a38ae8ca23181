using Embeddings.Api.Stats;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Embeddings.Api.Apis;

/// <summary>One group of scrape targets, in the shape Prometheus's <c>http_sd_configs</c> reads.</summary>
public sealed record PrometheusTargetGroup(IReadOnlyList<string> Targets, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// <c>GET /prometheus/targets</c>: every live replica's own address (from the replicas' stats), for Prometheus's HTTP
/// service discovery, so it scrapes each replica's /metrics rather than whichever one a shared proxy picks. A replica
/// that starts or stops is in or out of the list within seconds. <c>?host=</c> replaces the targets' host (a Prometheus
/// in a container reaches the host's loopback as <c>host.docker.internal</c>).
/// </summary>
public static class PrometheusTargetsApi
{
    public static IEndpointRouteBuilder MapPrometheusTargets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/prometheus/targets", ReadAsync).WithTags("Operations").ExcludeFromDescription();
        return app;
    }

    public static async Task<Ok<PrometheusTargetGroup[]>> ReadAsync(ILiveStatsStore store, HttpContext context, string? host = null)
    {
        var stats = await store.ReadAsync(context.RequestAborted);
        var targets = stats.Replicas
            .Select(r => Uri.TryCreate(r.Address, UriKind.Absolute, out var uri) ? $"{host ?? uri.Host}:{uri.Port}" : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        return TypedResults.Ok<PrometheusTargetGroup[]>([new(targets, new Dictionary<string, string> { ["job"] = "embeddings-api" })]);
    }
}
