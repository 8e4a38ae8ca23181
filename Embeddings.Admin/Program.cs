using Embeddings.Admin;
using Embeddings.Admin.Auth;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAdmin();

var app = builder.Build();

app.UseAdmin();
app.MapDefaultEndpoints();
app.MapAdminAccount();
app.MapAdminPages();

app.Run();

/// <summary>Entry point marker for WebApplicationFactory in tests.</summary>
public partial class Program;
