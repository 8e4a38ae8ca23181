using MudBlazor.Services;

namespace Embeddings.Admin.Services;

public static class AdminServiceExtensions
{
    /// <summary>Blazor, MudBlazor and the typed client that talks to the API through service discovery.</summary>
    public static IHostApplicationBuilder AddAdminServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();

        // "https+http://api" resolves through Aspire service discovery; Api:BaseUrl overrides it when run alone.
        var apiBase = builder.Configuration["Api:BaseUrl"] ?? "https+http://api";
        builder.Services.AddHttpClient<EmbeddingsApiClient>(client => client.BaseAddress = new Uri(apiBase));

        return builder;
    }

    public static WebApplication UseAdminPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        app.UseAntiforgery();
        app.MapStaticAssets();
        return app;
    }
}
