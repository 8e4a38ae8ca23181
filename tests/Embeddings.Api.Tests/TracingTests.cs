using System.Collections.Concurrent;
using System.Diagnostics;
using Embeddings.Core.Batching;
using Embeddings.Testing;

namespace Embeddings.Api.Tests;

/// <summary>One embed request's trace shows its queue wait, and the batch that served it links to it and back.</summary>
[Collection(SharedApiCollection.Name)]
public sealed class TracingTests(SharedApi api) : OnSharedApi(api), IDisposable
{
    private const string ClientSource = "Embeddings.Api.Tests";
    private static readonly ActivitySource Client = new(ClientSource);
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name is EmbeddingsTracing.Name or "Microsoft.AspNetCore" or ClientSource,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    [Fact]
    public async Task The_batch_span_carries_its_shape_and_links_to_the_request_whose_wait_span_links_back()
    {
        _listener.ActivityStopped = _stopped.Enqueue;
        ActivitySource.AddActivityListener(_listener);
        // The test's own span: the client sends it as traceparent, so the server's spans join this trace.
        ActivityTraceId traceId;
        using (var client = Client.StartActivity("client call", ActivityKind.Client))
        {
            traceId = client!.TraceId;
            using var response = await Api.Client.PostAsync(new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative),
                Json.Body(new { inputs = new[] { $"traced one {Guid.NewGuid()}", $"traced two {Guid.NewGuid()}" } }));
            Assert.Equal(200, (int)response.StatusCode);
        }

        Activity? server = null;
        await Eventually.TrueAsync(() => Task.FromResult((server = _stopped.FirstOrDefault(a => a.TraceId == traceId && a.Kind == ActivityKind.Server)) is not null),
            TimeSpan.FromSeconds(10), "the request's server span; seen: " + string.Join("; ", _stopped.Select(a => $"{a.Source.Name}/{a.OperationName}/{a.Kind}/{a.TraceId}")));
        var waits = _stopped.Where(a => a.TraceId == traceId && a.OperationName == "queue wait").ToList();
        Assert.Equal(2, waits.Count);
        Assert.All(waits, w => Assert.Equal(server!.SpanId, w.ParentSpanId));

        var batches = _stopped.Where(a => a.OperationName == "embed batch" && a.Links.Any(l => l.Context.TraceId == traceId)).ToList();
        Assert.NotEmpty(batches);
        foreach (var batch in batches)
        {
            Assert.NotEqual(traceId, batch.TraceId); // a batch is its own trace, serving many requests
            Assert.Equal(ApiFactory.MiniLm, batch.GetTagItem("embeddings.model"));
            Assert.True((int)batch.GetTagItem("batch.size")! >= 1);
            Assert.True((long)batch.GetTagItem("batch.tokens")! >= (long)batch.GetTagItem("batch.real_tokens")!);
            Assert.InRange((double)batch.GetTagItem("batch.padding_efficiency")!, 0.01, 1);
            Assert.Contains(batch.Links, l => l.Context.SpanId == server!.SpanId);
        }

        Assert.Equal(2, batches.Sum(b => b.Links.Count(l => l.Context.TraceId == traceId)));
        Assert.All(waits, w => Assert.Contains(w.Links, l => batches.Any(b => b.SpanId == l.Context.SpanId)));
    }

    public void Dispose() => _listener.Dispose();
}
