using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Embeddings.Api.Hosting;

/// <summary>/health (readiness) turns Unhealthy the moment the replica starts stopping, so load balancers take it out
/// while it still serves what they send meanwhile. /alive stays Healthy: the process is not broken.</summary>
public sealed class ReadinessHealthCheck(ShutdownState shutdown) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(shutdown.IsStopping
            ? HealthCheckResult.Unhealthy("Stopping: still serving for the lame duck, then finishing what was accepted; send new requests elsewhere.")
            : HealthCheckResult.Healthy("Ready."));
}
