using System.Globalization;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Embeddings.Admin.Auth;

/// <summary>Slows down guessing: at most <see cref="PermitLimit"/> sign-in posts per client address in each
/// <see cref="Window"/> (ASP.NET Core's rate limiter). Beyond that the answer is 429 with <c>Retry-After</c> and a page
/// that says how long to wait. Showing the login page itself is never limited.</summary>
public static class LoginThrottle
{
    public const string Policy = "login";
    public const int PermitLimit = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Behind a reverse proxy every client shares the proxy's address (and so one limit) unless the app is
    /// told to trust forwarded headers.</summary>
    public static RateLimiterOptions AddLoginThrottle(this RateLimiterOptions options)
    {
        options.AddPolicy(Policy, context => HttpMethods.IsPost(context.Request.Method)
            ? RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = PermitLimit, Window = Window, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter(string.Empty));
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = WriteTooManyAttemptsAsync;
        return options;
    }

    private static async ValueTask WriteTooManyAttemptsAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? (int)Math.Ceiling(retryAfter.TotalSeconds)
            : (int)Window.TotalSeconds;
        var response = rejected.HttpContext.Response;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        response.ContentType = "text/html; charset=utf-8";
        var login = HtmlEncoder.Default.Encode("/login" + rejected.HttpContext.Request.QueryString);
        await response.WriteAsync(
            $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Too many sign-in attempts</title></head>
            <body><h1>Too many sign-in attempts</h1>
            <p data-testid="login-throttled">Too many sign-in attempts from your address. Wait {seconds} seconds, then <a href="{login}">try again</a>.</p>
            </body></html>
            """,
            ct);
    }
}
