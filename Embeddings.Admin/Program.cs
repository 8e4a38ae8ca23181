using Embeddings.Admin.Components;
using Embeddings.Admin.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAdminServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseAdminPipeline();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

/// <summary>Entry point marker for WebApplicationFactory in tests.</summary>
public partial class Program;
