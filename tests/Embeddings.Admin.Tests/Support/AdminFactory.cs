using Embeddings.Admin.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Embeddings.Admin.Tests.Support;

/// <summary>The real admin app over an in-memory server, its API calls answered by a <see cref="FakeApi"/>.</summary>
public sealed class AdminFactory(string? adminKey = AdminTestContext.AdminKey) : WebApplicationFactory<Program>
{
    public FakeApi Api { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Embeddings:AdminKey", adminKey ?? "");
        builder.UseSetting("services:api:http:0", "http://api.test");
        builder.ConfigureTestServices(services => services.AddHttpClient<EmbeddingsApiClient>().ConfigurePrimaryHttpMessageHandler(() => Api));
    }
}
