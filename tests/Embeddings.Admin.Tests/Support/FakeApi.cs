using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Embeddings.Admin.Tests.Support;

/// <summary>One request the admin sent, as the API would have seen it.</summary>
public sealed record SentRequest(HttpMethod Method, string Path, string Body, string? Authorization, string? UpdatedBy);

/// <summary>
/// Stands in for the API behind the admin's real typed client (as its primary handler): answers each route with what
/// the test set, records every request, and answers unknown routes with a 404 problem.
/// </summary>
public sealed class FakeApi : HttpMessageHandler
{
    private readonly ConcurrentDictionary<(string Method, string Path), Func<CancellationToken, Task<HttpResponseMessage>>> _routes = new();

    public ConcurrentQueue<SentRequest> Requests { get; } = new();

    public IReadOnlyList<SentRequest> Sent(HttpMethod method) => [.. Requests.Where(r => r.Method == method)];

    public void Answer<T>(HttpMethod method, string path, T body, HttpStatusCode status = HttpStatusCode.OK) =>
        _routes[(method.Method, path)] = _ => Task.FromResult(new HttpResponseMessage(status) { Content = JsonContent.Create(body, options: JsonSerializerOptions.Web) });

    public void AnswerText(HttpMethod method, string path, string body, HttpStatusCode status = HttpStatusCode.OK) =>
        _routes[(method.Method, path)] = _ => Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body) });

    public void AnswerProblem(HttpMethod method, string path, HttpStatusCode status, string detail) =>
        _routes[(method.Method, path)] = _ => Task.FromResult(Problem(status, detail));

    /// <summary>The route fails the way an unreachable API does.</summary>
    public void Unreachable(HttpMethod method, string path) =>
        _routes[(method.Method, path)] = _ => throw new HttpRequestException("Connection refused (api.test:80)");

    /// <summary>The route answers nothing until the caller gives up, to show that a caller cancels its call.</summary>
    public HeldRoute Hold(HttpMethod method, string path)
    {
        var held = new HeldRoute();
        _routes[(method.Method, path)] = async ct =>
        {
            held.Start(ct);
            await Task.Delay(Timeout.Infinite, ct); // ends only when the caller cancels: no answer ever comes
            throw new InvalidOperationException("An infinite wait ended without cancellation.");
        };
        return held;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        Requests.Enqueue(new SentRequest(
            request.Method,
            path,
            body,
            request.Headers.Authorization?.ToString(),
            request.Headers.TryGetValues("x-updated-by", out var by) ? string.Join(",", by) : null));
        return _routes.TryGetValue((request.Method.Method, path), out var answer)
            ? await answer(cancellationToken)
            : Problem(HttpStatusCode.NotFound, $"No route {request.Method} {path} in this fake.");
    }

    private static HttpResponseMessage Problem(HttpStatusCode status, string detail)
    {
        var response = new HttpResponseMessage(status)
        {
            Content = JsonContent.Create(new { title = status.ToString(), status = (int)status, detail }, options: JsonSerializerOptions.Web),
        };
        response.Content.Headers.ContentType = new("application/problem+json");
        return response;
    }
}

/// <summary>A request held by <see cref="FakeApi.Hold"/>: when it arrived (with the token it came with), and when its
/// caller cancelled it.</summary>
public sealed class HeldRoute
{
    private readonly TaskCompletionSource<CancellationToken> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<CancellationToken> Started => _started.Task;

    public Task Cancelled => _cancelled.Task;

    internal void Start(CancellationToken ct)
    {
        ct.Register(() => _cancelled.TrySetResult());
        _started.TrySetResult(ct);
    }
}
