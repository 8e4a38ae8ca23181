namespace Embeddings.Api.Tests.Contract;

/// <summary>An HTTP handler that checks every answer against the served document (<see cref="DocumentConformance"/>)
/// and fails the call, before its caller reads it, when the answer is not what the document says.</summary>
public sealed class ConformanceHandler(DocumentConformance conformance) : DelegatingHandler(new HttpClientHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var problems = await conformance.CheckAsync(request.Method.Method, request.RequestUri!.AbsolutePath, response);
        if (problems.Count > 0)
        {
            response.Dispose();
            throw new ContractViolationException(string.Join(Environment.NewLine, problems));
        }

        return response;
    }
}

/// <summary>An answer that is not what the served OpenAPI document says it is.</summary>
public sealed class ContractViolationException(string message) : Exception(message);
