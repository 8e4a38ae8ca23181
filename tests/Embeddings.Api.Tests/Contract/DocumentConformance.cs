using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Embeddings.Api.Tests.Contract;

/// <summary>
/// Checks a real answer against the served document: the operation exists for its method and path, the status is one it
/// declares, the content type is one that status declares, the body is valid against that content's schema (JSON
/// Schema 2020-12, as OpenAPI 3.1 has it), and every header the status declares required is there.
/// </summary>
public sealed class DocumentConformance(ServedDocument document)
{
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();
    private readonly BuildOptions _build = new() { SchemaRegistry = new SchemaRegistry() };
    private readonly ConcurrentDictionary<string, bool> _seen = new(StringComparer.Ordinal);
    private int _built;

    /// <summary>The operations answers were checked for, as "METHOD /template".</summary>
    public IReadOnlyCollection<string> OperationsSeen => [.. _seen.Keys];

    /// <summary>What is wrong with <paramref name="response"/> (to <paramref name="method"/> <paramref name="path"/>) by
    /// the document; empty when it conforms.</summary>
    public async Task<IReadOnlyList<string>> CheckAsync(string method, string path, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var where = $"{method} {path} answered {status}";
        if (Find(method, path) is not { } operation)
        {
            return [$"{where}: the document has no operation for it."];
        }

        _seen.TryAdd($"{method.ToUpperInvariant()} {operation.Template}", true);

        if (operation.Node["responses"]?[status.ToString(CultureInfo.InvariantCulture)] is not JsonObject declared)
        {
            return [$"{where}: {operation.Template} declares no {status} (it declares {string.Join(", ", operation.Node["responses"]!.AsObject().Select(r => r.Key))})."];
        }

        var problems = new List<string>();
        foreach (var header in declared["headers"]?.AsObject() ?? [])
        {
            if (header.Value?["required"]?.GetValue<bool>() == true && !response.Headers.NonValidated.Contains(header.Key) && !response.Content.Headers.NonValidated.Contains(header.Key))
            {
                problems.Add($"{where} without the header {header.Key} that the document says it always has.");
            }
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (declared["content"] is not JsonObject content)
        {
            return problems;
        }

        if (mediaType is null || content[mediaType] is not JsonObject media)
        {
            problems.Add($"{where} as {mediaType ?? "no content type"}; the document declares {string.Join(", ", content.Select(c => c.Key))}.");
            return problems;
        }

        var body = await response.Content.ReadAsStringAsync();
        var results = Schema(media["schema"]!).Evaluate(JsonDocument.Parse(body).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!results.IsValid)
        {
            var errors = (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
            problems.Add($"{where} with a body that its schema refuses ({string.Join("; ", errors)}): {Shorten(body)}");
        }

        return problems;
    }

    private (string Template, JsonObject Node)? Find(string method, string path)
    {
        foreach (var (template, operations) in document.Root["paths"]!.AsObject())
        {
            var pattern = "^" + Regex.Replace(Regex.Escape(template), @"\\\{[^/]+?}", "[^/]+") + "$";
            if (Regex.IsMatch(path, pattern) && operations?[method.ToLowerInvariant()] is JsonObject operation)
            {
                return (template, operation);
            }
        }

        return null;
    }

    /// <summary>The schema, with the document's component schemas beside it as <c>$defs</c>, so its references resolve.</summary>
    private JsonSchema Schema(JsonNode schema) => _schemas.GetOrAdd(schema.ToJsonString(), text =>
    {
        var components = document.Root["components"]?["schemas"]?.ToJsonString() ?? "{}";
        var whole = $$"""{"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": {{components}}, "allOf": [{{text}}]}"""
            .Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        var id = new Uri($"https://contract.test/schema/{Interlocked.Increment(ref _built)}");
        return JsonSchema.FromText(whole, _build, id);
    });

    private static string Shorten(string body) => body.Length <= 400 ? body : body[..400] + "…";
}
