using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Embeddings.AppHost.Tests;

/// <summary>
/// An OTLP/HTTP endpoint in the test process: the apps it is given to export their traces here, and the test reads the
/// spans back. Only what the test needs of the protobuf is decoded: each span's trace id, span id, name and links.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<byte[]> _traces = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public string Url => _app.Urls.First();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            if (signal == "traces")
            {
                receiver._traces.Enqueue(body.ToArray());
            }

            return Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Every span received so far.</summary>
    public IReadOnlyList<Span> Spans() =>
    [
        .. _traces.SelectMany(body => Fields(body, 1)) // resource_spans
            .SelectMany(resource => Fields(resource, 2)) // scope_spans
            .SelectMany(scope => Fields(scope, 2)) // spans
            .Select(span => new Span(
                Convert.ToHexStringLower(Fields(span, 1).First()),
                Convert.ToHexStringLower(Fields(span, 2).First()),
                System.Text.Encoding.UTF8.GetString(Fields(span, 5).First()),
                [.. Fields(span, 13).Select(link => (Convert.ToHexStringLower(Fields(link, 1).First()), Convert.ToHexStringLower(Fields(link, 2).First())))])),
    ];

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>The length-delimited fields numbered <paramref name="field"/> of one protobuf message.</summary>
    private static IEnumerable<byte[]> Fields(byte[] message, int field)
    {
        var found = new List<byte[]>();
        var at = 0;
        while (at < message.Length)
        {
            var key = Varint(message, ref at);
            var (number, wire) = ((int)(key >> 3), (int)(key & 7));
            switch (wire)
            {
                case 0: Varint(message, ref at); break;
                case 1: at += 8; break;
                case 5: at += 4; break;
                case 2:
                    var length = (int)Varint(message, ref at);
                    if (number == field)
                    {
                        found.Add(message[at..(at + length)]);
                    }

                    at += length;
                    break;
                default: throw new InvalidDataException($"Unknown protobuf wire type {wire}.");
            }
        }

        return found;
    }

    private static ulong Varint(byte[] bytes, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    public sealed record Span(string TraceId, string SpanId, string Name, IReadOnlyList<(string TraceId, string SpanId)> Links);
}
