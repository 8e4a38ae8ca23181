namespace Embeddings.Admin.Security;

/// <summary>Headers on every admin response: no MIME sniffing, no framing, no referrer, and a content security policy
/// that Blazor Server and MudBlazor work under.</summary>
public static class SecurityHeaders
{
    /// <summary>Scripts only from this origin (so no inline script: App.razor has no import map); the circuit's
    /// WebSocket to this origin ('self' covers ws: and wss: of the same host); MudBlazor sets inline styles; charts are
    /// inline SVG.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        return next(context);
    });
}
