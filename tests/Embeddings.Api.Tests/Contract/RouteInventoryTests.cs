using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Embeddings.Api.Tests.Contract;

/// <summary>Every route the server maps is in the document with its method, or on the short list of routes kept out of
/// it on purpose; and the document has no operation the server does not map.</summary>
[Collection(SharedApiCollection.Name)]
public sealed class RouteInventoryTests(SharedApi api)
{
    /// <summary>The routes kept out of the document, each with why: none is a JSON API a generated client calls.</summary>
    private static readonly Dictionary<string, string> OutsideTheDocument = new(StringComparer.Ordinal)
    {
        ["GET /metrics"] = "Prometheus text exposition, for scrapers",
        ["GET /prometheus/targets"] = "Prometheus HTTP service discovery, in the shape Prometheus reads",
        ["GET /health"] = "readiness probe, plain text",
        ["GET /alive"] = "liveness probe, plain text",
        ["GET /openapi/{documentName}.json"] = "the document itself",
    };

    [Fact]
    public async Task The_document_has_every_mapped_route_but_the_listed_few_and_nothing_else()
    {
        var document = await ServedDocument.ReadAsync(api.Client);
        var mapped = api.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            // A route with no method metadata (the probes, /metrics) answers any method; a scraper or a probe sends GET.
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => $"{method} /{endpoint.RoutePattern.RawText!.Trim('/')}"))
            .Distinct(StringComparer.Ordinal)
            .ToHashSet(StringComparer.Ordinal);
        var documented = document.Operations.Select(o => $"{o.Method} {o.Path}").ToHashSet(StringComparer.Ordinal);

        Assert.Equal(mapped.Except(OutsideTheDocument.Keys).Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
        Assert.Equal(OutsideTheDocument.Keys.Order(StringComparer.Ordinal), mapped.Except(documented).Order(StringComparer.Ordinal));
    }
}
