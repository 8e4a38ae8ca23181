using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Embeddings.Admin.Auth;

/// <summary>Who is signed in: there is one admin key, so one kind of user, remembered with where they signed in from,
/// so that a config change can say where it came from.</summary>
public static class AdminUser
{
    public const string Name = "admin";
    public const string SignedInFromClaim = "embeddings:signed-in-from";

    public static ClaimsPrincipal Create(IPAddress? signedInFrom) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, Name),
            new Claim(SignedInFromClaim, signedInFrom?.ToString() ?? "unknown address"),
        ],
        CookieAuthenticationDefaults.AuthenticationScheme));

    /// <summary>The <c>x-updated-by</c> of a change this user makes.</summary>
    public static string UpdatedBy(ClaimsPrincipal user) =>
        user.FindFirst(SignedInFromClaim)?.Value is { } from ? $"admin dashboard (signed in from {from})" : "admin dashboard";
}
