using Embeddings.Admin.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Embeddings.Admin.Tests.Support;

/// <summary>The real admin app. By default its API calls are answered by a <see cref="FakeApi"/>; given the address of
/// a real API, it talks to that one, as it would in production (service discovery from <c>services:api:http</c>).</summary>
public sealed class AdminFactory(string? adminKey = AdminTestContext.AdminKey, Uri? realApi = null) : WebApplicationFactory<Program>
{
    public FakeApi Api { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Embeddings:AdminKey", adminKey ?? "");
        builder.UseSetting("services:api:http:0", realApi?.ToString() ?? "http://api.test");
        if (realApi is null)
        {
            builder.ConfigureTestServices(services => services.AddHttpClient<EmbeddingsApiClient>().ConfigurePrimaryHttpMessageHandler(() => Api));
        }
    }
}
