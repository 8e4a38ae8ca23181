using Embeddings.Core.Batching;
using Microsoft.Extensions.Options;

namespace Embeddings.Api.Hosting;

/// <summary>
/// Stops the replica without losing a request, behind a load balancer as much as alone. On SIGTERM:
/// <list type="number">
/// <item>Lame duck (<see cref="ShutdownOptions.LameDuckSeconds"/>), before any service stops: /health (readiness) says
/// Unhealthy at once, but the server keeps serving everything that arrives, every answer with <c>Connection: close</c>,
/// so balancers take the replica out and clients reconnect elsewhere.</item>
/// <item>The host then stops the server: it stops listening (a late client's connection is refused, never reset) and
/// waits for the requests it accepted, which the engine keeps serving, now without waiting for batches to fill.</item>
/// <item>If those take longer than <see cref="ShutdownOptions.DrainTimeoutSeconds"/>, the engine gives up: what is
/// queued is answered 503 and the batches still running are stopped, their callers answered 503 too.</item>
/// <item>Once every service stopped, the engine shuts down (nothing is left by then) and the process exits 0, well
/// within the host's timeout (<see cref="ShutdownOptions.HostTimeout"/>).</item>
/// </list>
/// </summary>
public sealed partial class GracefulShutdown(
    BatchProcessor processor, ShutdownState state, IOptions<ShutdownOptions> options, TimeProvider time, ILogger<GracefulShutdown> logger)
    : IHostedLifecycleService, IDisposable
{
    private readonly Lock _lock = new();
    private ITimer? _drainDeadline;
    private bool _stopping;
    private bool _disposed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        LogStarted(logger, string.Join(", ", processor.Models), o.LameDuckSeconds, o.DrainTimeoutSeconds, o.HostTimeout.TotalSeconds);
        return Task.CompletedTask;
    }

    /// <summary>Runs before any hosted service stops, the server included: the lame duck happens while it serves.
    /// Once only: a host may be stopped more than once (a test host is stopped, then disposed).</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_stopping || _disposed)
            {
                return;
            }

            _stopping = true;
        }

        var o = options.Value;
        state.Begin();
        LogLameDuck(logger, o.LameDuckSeconds);
        await Task.Delay(TimeSpan.FromSeconds(o.LameDuckSeconds), time, cancellationToken);
        LogClosing(logger, o.DrainTimeoutSeconds);
        processor.StopWaitingForBatches(); // no more requests will come to fill a batch
        lock (_lock)
        {
            if (!_disposed)
            {
                _drainDeadline = time.CreateTimer(_ => GiveUp(), null, TimeSpan.FromSeconds(o.DrainTimeoutSeconds), Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Runs after every service stopped, the server included, so no request is left to submit anything.</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await processor.ShutdownAsync(cancellationToken);
            LogStopped(logger);
        }
        finally
        {
            Dispose();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _drainDeadline?.Dispose();
        }
    }

    /// <summary>The drain deadline's callback: a timer's exception would end the process, so none leaves it.</summary>
    private void GiveUp()
    {
        try
        {
            LogDrainTimedOut(logger, options.Value.DrainTimeoutSeconds, processor.GetAllStats().Sum(s => s.QueueDepth + s.InFlightBatches));
            processor.AbandonAll();
        }
        catch (Exception ex)
        {
            LogGiveUpFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving models: {Models}. On SIGTERM: {LameDuck} s of lame duck (still serving), then up to {Drain} s for accepted requests; the host allows {HostTimeout} s to stop (Kubernetes: terminationGracePeriodSeconds at least that).")]
    private static partial void LogStarted(ILogger logger, string models, int lameDuck, int drain, double hostTimeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: /health says Unhealthy; still serving for {LameDuck} s of lame duck, every answer closing its connection.")]
    private static partial void LogLameDuck(ILogger logger, int lameDuck);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lame duck over: the server stops listening and finishes the requests it accepted (up to {Drain} s).")]
    private static partial void LogClosing(ILogger logger, int drain);

    [LoggerMessage(Level = LogLevel.Error, Message = "Accepted requests did not finish within {Drain} s; stopping what is left ({Left} inputs queued or batches running), each caller answered 503.")]
    private static partial void LogDrainTimedOut(ILogger logger, int drain, int left);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Stopping what was left at the drain deadline failed.")]
    private static partial void LogGiveUpFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Every accepted embedding request was answered; the process exits.")]
    private static partial void LogStopped(ILogger logger);
}
