using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Embeddings.Admin.Auth;

/// <summary>Checks a key typed on the login page and, when it is the admin key, sets the auth cookie. Logs who tried
/// from where, never the key.</summary>
public sealed partial class AdminSignIn(IOptionsMonitor<AdminKeyOptions> options, ILogger<AdminSignIn> logger)
{
    public bool IsConfigured => options.CurrentValue.IsConfigured;

    public async Task<bool> TrySignInAsync(HttpContext context, string? key)
    {
        var from = context.Connection.RemoteIpAddress;
        if (!options.CurrentValue.Matches(key))
        {
            LogRefused(logger, from?.ToString());
            return false;
        }

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AdminUser.Create(from));
        LogSignedIn(logger, from?.ToString());
        return true;
    }

    /// <summary>Where to go after signing in: a path on this site, never another site (<c>//host</c>, <c>/\host</c>).</summary>
    public static string LocalReturnUrl(string? returnUrl) =>
        returnUrl is ['/', ..] && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused: wrong admin key from {Address}.")]
    private static partial void LogRefused(ILogger logger, string? address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signed in from {Address}.")]
    private static partial void LogSignedIn(ILogger logger, string? address);
}
