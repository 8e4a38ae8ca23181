using MudBlazor.Services;

namespace Embeddings.Admin.Services;

public static class AdminServiceExtensions
{
    /// <summary>Blazor, MudBlazor and the typed client that talks to the API through service discovery.</summary>
    public static IHostApplicationBuilder AddAdminServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();

        // "api" resolves through service discovery: the AppHost injects services__api__*; a standalone run
        // uses services:api:http in appsettings.json (http://localhost:5080).
        builder.Services.AddHttpClient<EmbeddingsApiClient>(client => client.BaseAddress = new Uri("https+http://api"));

        return builder;
    }

    public static WebApplication UseAdminPipeline(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets();
        return app;
    }
}
