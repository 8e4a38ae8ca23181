using Embeddings.Core.Batching;
using Microsoft.Extensions.Options;

namespace Embeddings.Api.Embedding;

/// <summary>
/// Starts the engine with the app (models load before the server listens, so a broken model fails the start) and stops
/// it without losing an accepted request. On SIGTERM, before any service stops (so the server still listens):
/// /health turns Unhealthy and new embedding requests get a fast 503 (Retry-After, Connection: close) at once, while
/// the queued inputs drain; the stop waits for the lame-duck period and for the drain (or its time-out, when whatever
/// is still queued is answered 503). Only then does the host stop the server and exit.
/// </summary>
public sealed partial class GracefulShutdown(
    BatchProcessor processor, IOptions<ShutdownOptions> options, TimeProvider time, ILogger<GracefulShutdown> logger)
    : IHostedLifecycleService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        LogStarted(logger, string.Join(", ", processor.Models), o.LameDuckSeconds, o.DrainTimeoutSeconds, o.HostTimeout.TotalSeconds);
        return Task.CompletedTask;
    }

    /// <summary>Runs before any hosted service stops, the server included: the lame duck and the drain happen while it listens.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        LogStopping(logger, o.LameDuckSeconds);
        var lameDuck = Task.Delay(TimeSpan.FromSeconds(o.LameDuckSeconds), time, cancellationToken);
        var drain = processor.ShutdownAsync(cancellationToken);
        try
        {
            await drain.WaitAsync(TimeSpan.FromSeconds(o.DrainTimeoutSeconds), time, cancellationToken);
        }
        catch (TimeoutException)
        {
            LogDrainTimedOut(logger, o.DrainTimeoutSeconds, processor.GetAllStats().Sum(s => s.QueueDepth));
            processor.AbandonQueued();
            await drain;
        }

        await lameDuck;
        LogStopped(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving models: {Models}. On SIGTERM: {LameDuck} s of lame duck, up to {Drain} s to drain the queues; the host allows {HostTimeout} s to stop (Kubernetes: terminationGracePeriodSeconds at least that).")]
    private static partial void LogStarted(ILogger logger, string models, int lameDuck, int drain, double hostTimeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: health is Unhealthy and new embedding requests get 503 for {LameDuck} s of lame duck, while the queued inputs drain.")]
    private static partial void LogStopping(ILogger logger, int lameDuck);

    [LoggerMessage(Level = LogLevel.Error, Message = "The queues did not drain within {Drain} s; the {Queued} inputs still queued are answered 503.")]
    private static partial void LogDrainTimedOut(ILogger logger, int drain, int queued);

    [LoggerMessage(Level = LogLevel.Information, Message = "Every accepted embedding request was answered; the server closes now.")]
    private static partial void LogStopped(ILogger logger);
}
