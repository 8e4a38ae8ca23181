using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Embeddings.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Embeddings.Api.Tests;

/// <summary>
/// The real API on a real Kestrel (random loopback port), with the real models. Optionally adds a
/// <see cref="SimulatedEmbeddingModel"/> named "simulated" whose batches a test can hold or make fail.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key";
    public const string MiniLm = "all-minilm-l6-v2";
    public const string Simulated = "simulated";

    private readonly Dictionary<string, string?> _settings;
    private readonly BatchingOptions? _simulatedBatching;
    private readonly Action<IServiceCollection>? _services;

    public ApiFactory(
        Dictionary<string, string?>? settings = null,
        BatchingOptions? simulatedBatching = null,
        Action<IServiceCollection>? services = null,
        SimulatedModelOptions? simulatedModel = null)
    {
        _settings = settings ?? [];
        _simulatedBatching = simulatedBatching;
        _services = services;
        SimulatedModel = new SimulatedEmbeddingModel((simulatedModel ?? new SimulatedModelOptions()) with { Id = Simulated });
        UseKestrel(0);
    }

    public SimulatedEmbeddingModel SimulatedModel { get; }

    /// <summary>The 500s this API answered (a bug): disposing the factory fails the test if there were any.</summary>
    public UnexpectedErrorLog UnexpectedErrors { get; } = new();

    public BatchProcessor Processor => Services.GetRequiredService<BatchProcessor>();

    public ModelRegistry Registry => Services.GetRequiredService<ModelRegistry>();

    /// <summary>A client on the Kestrel socket; starts the server on first use. A call that hangs fails the test in 30 s.</summary>
    public HttpClient CreateRealClient()
    {
        StartServer();
        var client = CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.AddProvider(UnexpectedErrors));
        builder.UseSetting("Embeddings:AdminKey", AdminKey);
        builder.UseSetting("Embeddings:Shutdown:LameDuckSeconds", "0"); // a test that stops the host waits for nothing, unless it says otherwise
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }

        if (_simulatedBatching is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(sp =>
            {
                var real = ModelCatalog.Load(sp.GetRequiredService<IOptions<EmbeddingsOptions>>().Value, sp.GetRequiredService<ILoggerFactory>());
                return new ModelRegistry([.. real.All, new RegisteredModel(SimulatedModel, _simulatedBatching)]);
            }));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        AssertNoUnexpectedErrors();
    }

    /// <summary>Fails if the API answered a 500 since the last check, with each one's exception.</summary>
    public void AssertNoUnexpectedErrors()
    {
        if (UnexpectedErrors.Take() is { Count: > 0 } errors)
        {
            Assert.Fail($"The API answered 500 (a bug):{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        }
    }
}
