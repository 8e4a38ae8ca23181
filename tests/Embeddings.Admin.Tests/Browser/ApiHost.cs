extern alias ApiHost;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Embeddings.Admin.Tests.Browser;

/// <summary>
/// The real Embeddings API on a real Kestrel port (random), serving all-minilm-l6-v2 (arctic off, to save memory).
/// Without a Redis connection string it keeps its config in memory; pass one in <paramref name="settings"/>
/// (<c>ConnectionStrings:redis</c>) to run the same test over the Redis-backed store.
/// </summary>
public sealed class ApiHostFactory(IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<ApiHost::Program>
{
    public const string Model = "all-minilm-l6-v2";

    public Uri Address
    {
        get
        {
            StartServer();
            return ClientOptions.BaseAddress;
        }
    }

    public static ApiHostFactory Start(string adminKey, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = new ApiHostFactory(new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Embeddings:AdminKey"] = adminKey,
            ["Embeddings:Models:arctic-embed-xs:Enabled"] = "false",
        });
        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }
}
