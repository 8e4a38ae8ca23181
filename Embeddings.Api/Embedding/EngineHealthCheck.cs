using Embeddings.Core.Batching;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Embeddings.Api.Embedding;

/// <summary>/health for the engine: Unhealthy when a model's dispatcher has failed, naming the model and why.</summary>
public sealed class EngineHealthCheck(BatchProcessor processor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failed = processor.FailedModels;
        return Task.FromResult(failed.Count == 0
            ? HealthCheckResult.Healthy($"Serving {string.Join(", ", processor.Models)}.")
            : HealthCheckResult.Unhealthy(
                "Model unavailable: " + string.Join("; ", failed.Select(f => $"{f.Key} ({f.Value.Message})")),
                data: failed.ToDictionary(f => f.Key, f => (object)f.Value.Message)));
    }
}
