using System.Security.Claims;
using System.Text.Encodings.Web;
using Embeddings.Contracts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Embeddings.Api.Security;

/// <summary>Which bearer keys a scheme accepts, and what to say when none is configured.</summary>
public sealed class BearerKeyOptions : AuthenticationSchemeOptions
{
    public IReadOnlyList<string> Keys { get; set; } = [];

    /// <summary>The problem detail of a 401 when no key is configured at all.</summary>
    public string NoKeysDetail { get; set; } = "No key is configured.";
}

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> against configured keys, in constant time, and answers a
/// failed challenge with a 401 problem and <c>WWW-Authenticate: Bearer</c>. A client that sent too many wrong keys
/// (<see cref="FailedKeyLimiter"/>) gets 429 with <c>Retry-After</c> instead, whatever key it sends, for a while.
/// The key itself is never logged or echoed.
/// </summary>
public sealed class BearerKeyHandler(
    IOptionsMonitor<BearerKeyOptions> options, ILoggerFactory logger, UrlEncoder encoder, IProblemDetailsService problems,
    FailedKeyLimiter limiter)
    : AuthenticationHandler<BearerKeyOptions>(options, logger, encoder)
{
    private const string Prefix = "Bearer ";
    private TimeSpan? _throttled;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var client = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        _throttled = limiter.Throttled(client);
        if (_throttled is not null)
        {
            return Task.FromResult(AuthenticateResult.Fail("Too many wrong keys from this client."));
        }

        if (!SecretKeys.Matches(header[Prefix.Length..].Trim(), Options.Keys))
        {
            _throttled = limiter.Failed(client);
            return Task.FromResult(AuthenticateResult.Fail("The bearer key is not one of the configured keys."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, Scheme.Name)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_throttled is { } retryAfter)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            var seconds = Errors.ErrorTable.RetryAfterSeconds(retryAfter);
            Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = Context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many wrong keys",
                    Detail = $"This client sent {FailedKeyLimiter.FailuresPerWindow} wrong keys; try again in {seconds} s.",
                },
            });
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = Options.Keys.Count == 0 ? Options.NoKeysDetail : "Send a valid key as 'Authorization: Bearer <key>'.",
            },
        });
    }
}
