using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Embeddings.Admin.Auth;

public static class AuthExtensions
{
    /// <summary>The admin key, the auth cookie that signing in with it sets, and the login throttle.</summary>
    public static IServiceCollection AddAdminAuth(this IServiceCollection services)
    {
        services.AddOptions<AdminKeyOptions>().BindConfiguration(AdminKeyOptions.Section);
        services.AddSingleton<AdminSignIn>();

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.LoginPath = "/login";
            cookie.AccessDeniedPath = "/login";
            cookie.Cookie.Name = "embeddings.admin";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
        });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        services.AddRateLimiter(limiter => limiter.AddLoginThrottle());
        return services;
    }

    /// <summary><c>POST /account/logout</c>: signs out. It binds nothing from the form, so it checks the antiforgery token
    /// itself (the middleware only records the result for such endpoints).</summary>
    public static IEndpointRouteBuilder MapAdminAccount(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async (HttpContext context, IAntiforgery antiforgery) =>
            {
                if (!await antiforgery.IsRequestValidAsync(context))
                {
                    return Results.BadRequest();
                }

                await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                return Results.LocalRedirect("/login");
            })
            .ExcludeFromDescription();
        return app;
    }
}
