using Embeddings.Core.Batching;

namespace Embeddings.Api.Embedding;

/// <summary>
/// Starts the engine with the app (models load before the server listens, so a broken model fails the start)
/// and stops it gracefully: when shutdown begins, new work is refused with 503 while everything already
/// accepted is dispatched, answered and only then let go.
/// </summary>
public sealed class BatchProcessorLifetime(BatchProcessor processor, IHostApplicationLifetime lifetime, ILogger<BatchProcessorLifetime> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Serving models: {Models}", string.Join(", ", processor.Models));

        // ApplicationStopping fires before Kestrel drains its requests: refusing here makes late arrivals 503
        // while the requests already queued still finish.
        lifetime.ApplicationStopping.Register(() => _ = processor.ShutdownAsync(CancellationToken.None));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Idempotent: the same drain that ApplicationStopping began.
        await processor.ShutdownAsync(cancellationToken);
        logger.LogInformation("Every accepted embedding request was answered; the engine has stopped.");
    }
}
