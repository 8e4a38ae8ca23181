using Embeddings.Admin.Api;
using Embeddings.Admin.Auth;
using Embeddings.Admin.Components;
using Embeddings.Admin.Live;
using Embeddings.Admin.Security;
using MudBlazor.Services;

namespace Embeddings.Admin;

public static class AdminExtensions
{
    /// <summary>Blazor with MudBlazor, sign-in with the admin key, the typed API client and the live stats poller.</summary>
    public static IHostApplicationBuilder AddAdmin(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddSingleton(TimeProvider.System);
        services.AddAdminAuth();
        services.AddEmbeddingsApiClient();
        services.AddLiveStats();
        return builder;
    }

    /// <summary>The request pipeline before the endpoints. Order matters: headers on every answer; then who is signed
    /// in, what they may do, the login throttle (which reads the endpoint), and antiforgery.</summary>
    public static WebApplication UseAdmin(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.MapStaticAssets();
        return app;
    }

    /// <summary>The pages, rendered interactively on the server. Blazor's own <c>frame-ancestors 'self'</c> header is
    /// turned off: the admin's content security policy already says <c>'none'</c>, in one header.</summary>
    public static WebApplication MapAdminPages(this WebApplication app)
    {
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(server => server.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}
