using Embeddings.Api;
using Embeddings.Api.Apis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddEmbeddings();

var app = builder.Build();

app.UseEmbeddings();
app.MapDefaultEndpoints();
app.MapEmbeddingsApi();

app.Run();

/// <summary>Entry point marker for WebApplicationFactory in tests.</summary>
public partial class Program;
