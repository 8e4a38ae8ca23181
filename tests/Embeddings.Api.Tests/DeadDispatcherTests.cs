using System.Diagnostics.Metrics;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Embeddings.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Embeddings.Api.Tests;

/// <summary>A model whose dispatcher died answers 503 "model unavailable", /health says which model and why, and
/// /metrics says embeddings_engine_up 0 for it.</summary>
/// <remarks>Every queue's dispatcher fails the first time it waits for a batch window (its clock cannot start timers);
/// a long window makes sure it waits.</remarks>
public sealed class DeadDispatcherTests() : OwnApi(new ApiFactory(
    settings: new()
    {
        ["Embeddings:Models:arctic-embed-xs:Enabled"] = "false",
        [$"Embeddings:Models:{ApiFactory.MiniLm}:Batching:MaxWaitMs"] = "60000",
    },
    services: services => services.AddSingleton(sp => new BatchProcessor(
        sp.GetRequiredService<ModelRegistry>(),
        new FailingTimerTimeProvider(), // the engine's clock only; the rest of the app keeps the real one
        sp.GetRequiredService<ILogger<BatchProcessor>>(),
        sp.GetRequiredService<IMeterFactory>()))))
{
    [Fact]
    public async Task Callers_get_503_model_unavailable_and_health_is_unhealthy_for_that_model()
    {
        var route = new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative);
        using var first = await Client.PostAsync(route, Json.Body(new { inputs = "waits for its window" }));
        using var second = await Client.PostAsync(route, Json.Body(new { inputs = "comes after the failure" }));

        await Json.AssertProblemAsync(first, 503, "cannot start timers");
        var problem = await Json.AssertProblemAsync(second, 503, "cannot start timers");
        Assert.Equal("Model unavailable", problem["title"]!.GetValue<string>());

        using var health = await Client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(503, (int)health.StatusCode);
        Assert.Equal("Unhealthy", await health.Content.ReadAsStringAsync());
        Assert.Contains(ApiFactory.MiniLm, Factory.Processor.FailedModels.Keys);

        // What the EmbeddingsModelEngineDown alert reads.
        var metrics = await Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains($"embeddings_engine_up{{model=\"{ApiFactory.MiniLm}\"}} 0\n", metrics, StringComparison.Ordinal);
    }
}
