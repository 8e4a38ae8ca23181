using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Embeddings.Api.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Embeddings.Api.Requests;

/// <summary>
/// Reads a JSON body and turns every way it can be wrong into a 400 or 413 that says what was wrong and where.
/// Minimal APIs' own binding answers malformed JSON with a bare 400; this says why. The size limit itself is
/// Kestrel's (<see cref="ApiOptions.MaxRequestBytes"/>); this only words its refusal. The content type is checked
/// by routing (the endpoints' Accepts metadata: 415).
/// </summary>
public sealed class RequestBodyReader(IOptions<ApiOptions> options)
{
    /// <summary>The body as <typeparamref name="T"/>, or the 400/413 that refuses it (a value, never thrown).</summary>
    public async Task<BodyRead<T>> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken ct)
        where T : class
    {
        var maxBytes = options.Value.MaxRequestBytes;
        if (request.ContentLength > maxBytes)
        {
            // Refused unread: lift the limit so Kestrel may drain the rest (for at most its 5 s) and the client,
            // still sending, reads this answer instead of a reset connection.
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = null;
            }

            return RequestException.TooLarge($"The body has {request.ContentLength} bytes; the limit is {maxBytes} (Embeddings:MaxRequestBytes).");
        }

        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, typeInfo, ct) is { } body
                ? body
                : RequestException.BadRequest("The body is JSON null; send an object.");
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null ? "" : $" at {ex.Path}";
            var reason = ex.InnerException?.Message ?? ex.Message;
            return RequestException.BadRequest($"The body is not valid JSON for this route{where}: {reason}");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return RequestException.TooLarge($"The body is over the limit of {maxBytes} bytes (Embeddings:MaxRequestBytes).");
        }
    }
}

/// <summary>A request body read: its value, or the error that refuses it.</summary>
public readonly record struct BodyRead<T>(T? Value, RequestException? Error)
    where T : class
{
    public static implicit operator BodyRead<T>(T value) => new(value, null);

    public static implicit operator BodyRead<T>(RequestException error) => new(null, error);
}
