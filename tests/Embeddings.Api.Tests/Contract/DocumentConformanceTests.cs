using System.Net;
using System.Text;

namespace Embeddings.Api.Tests.Contract;

/// <summary>The checker the contract tests rely on says no where the document does: an undeclared status, a body its
/// schema refuses, a missing required header, another content type, a route the document lacks.</summary>
[Collection(SharedApiCollection.Name)]
public sealed class DocumentConformanceTests(SharedApi api)
{
    private const string Problem = """{"type": "t", "title": "Model queue full", "status": 429, "detail": "Retry after 1 s."}""";

    [Fact]
    public async Task A_real_answer_conforms()
    {
        var conformance = new DocumentConformance(await ServedDocument.ReadAsync(api.Client));
        using var models = await api.Client.GetAsync(new Uri("/models", UriKind.Relative));

        Assert.Empty(await conformance.CheckAsync("GET", "/models", models));
        Assert.Equal(["GET /models"], conformance.OperationsSeen);
    }

    [Fact]
    public async Task What_the_document_does_not_say_is_refused()
    {
        var conformance = new DocumentConformance(await ServedDocument.ReadAsync(api.Client));

        Assert.Contains("declares no 418", Single(await conformance.CheckAsync("POST", "/embed/m", Answer(418, Problem))), StringComparison.Ordinal);
        Assert.Contains("schema refuses", Single(await conformance.CheckAsync("GET", "/models", Answer(200, """{"not": "a list"}""", "application/json"))), StringComparison.Ordinal);
        Assert.Contains("schema refuses", Single(await conformance.CheckAsync("POST", "/embed/m", Answer(200, """{"model": "m", "dimensions": "384", "embeddings": [], "usage": {"tokens": 1}}""", "application/json", timings: true))), StringComparison.Ordinal);
        Assert.Contains("Retry-After", Single(await conformance.CheckAsync("POST", "/embed/m", Answer(429, Problem))), StringComparison.Ordinal);
        Assert.Contains("declares application/problem+json", Single(await conformance.CheckAsync("POST", "/embed/m", Answer(404, Problem, "text/plain"))), StringComparison.Ordinal);
        Assert.Contains("no operation", Single(await conformance.CheckAsync("GET", "/embed/m", Answer(200, "{}", "application/json"))), StringComparison.Ordinal);
        Assert.Empty(conformance.OperationsSeen.Except(["POST /embed/{model}", "GET /models"]));
    }

    private static string Single(IReadOnlyList<string> problems) => Assert.Single(problems);

    private static HttpResponseMessage Answer(int status, string body, string mediaType = "application/problem+json", bool timings = false)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
        foreach (var header in timings ? new[] { "x-cache-hits", "x-queue-time", "x-inference-time", "x-batch-size" } : [])
        {
            response.Headers.Add(header, "0");
        }

        return response;
    }
}
