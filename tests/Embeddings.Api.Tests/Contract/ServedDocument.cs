using System.Text.Json.Nodes;

namespace Embeddings.Api.Tests.Contract;

/// <summary>The OpenAPI document as a running server serves it (<c>GET /openapi/v1.json</c>).</summary>
public sealed record ServedDocument(string Text, JsonNode Root)
{
    public static readonly Uri Route = new("/openapi/v1.json", UriKind.Relative);

    public static async Task<ServedDocument> ReadAsync(HttpClient client)
    {
        using var response = await client.GetAsync(Route);
        Assert.Equal(200, (int)response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        return new ServedDocument(text, JsonNode.Parse(text)!);
    }

    /// <summary>Every operation: its id, method (upper case), path template, declared statuses and the security schemes
    /// it requires (none: open).</summary>
    public IEnumerable<(string Id, string Method, string Path, IReadOnlyList<int> Statuses, IReadOnlyList<string> Schemes)> Operations =>
        from path in Root["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        select (
            operation.Value!["operationId"]!.GetValue<string>(),
            operation.Key.ToUpperInvariant(),
            path.Key,
            (IReadOnlyList<int>)[.. operation.Value!["responses"]!.AsObject().Select(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture)).Order()],
            (IReadOnlyList<string>)[.. operation.Value!["security"]!.AsArray().SelectMany(requirement => requirement!.AsObject().Select(scheme => scheme.Key))]);

    /// <summary>Each operation id with the security schemes it requires, in order of id.</summary>
    public IEnumerable<string> SecurityByOperation =>
        Operations.OrderBy(o => o.Id, StringComparer.Ordinal).Select(o => $"{o.Id}: [{string.Join(", ", o.Schemes)}]");
}
