using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Embeddings.Api.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Embeddings.Api.Contracts;

/// <summary>
/// Reads a JSON body with a byte limit, turning every way it can be wrong into a 400 or 413 that says what was wrong.
/// Minimal APIs' own binding answers malformed JSON with a bare 400; we want the reason.
/// </summary>
public sealed class RequestBodyReader(IOptions<ApiOptions> options)
{
    public async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken ct)
        where T : class
    {
        var maxBytes = options.Value.MaxRequestBytes;
        if (request.ContentLength > maxBytes)
        {
            throw RequestException.TooLarge($"The body has {request.ContentLength} bytes; the limit is {maxBytes} (Embeddings:MaxRequestBytes).");
        }

        if (!request.HasJsonContentType())
        {
            throw RequestException.BadRequest("The body must be JSON (Content-Type: application/json).");
        }

        // Our limit replaces Kestrel's, so an oversized chunked body also gets a problem answer rather than a reset.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        await using var limited = new LengthLimitedStream(request.Body, maxBytes);
        try
        {
            return await JsonSerializer.DeserializeAsync(limited, typeInfo, ct)
                ?? throw RequestException.BadRequest("The body is JSON null; send an object.");
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null ? "" : $" at {ex.Path}";
            var reason = ex.InnerException?.Message ?? ex.Message;
            throw RequestException.BadRequest($"The body is not valid JSON for this route{where}: {reason}");
        }
        catch (LengthLimitedStream.LimitExceededException)
        {
            throw RequestException.TooLarge($"The body is over the limit of {maxBytes} bytes (Embeddings:MaxRequestBytes).");
        }
    }
}
