namespace Embeddings.Api.Hosting;

/// <summary>
/// How every background loop of ours runs, so that none can end the host (a <see cref="BackgroundService"/> whose
/// loop throws stops the app by default): a round that fails is logged once per streak of failures, the loop waits
/// longer after each failure (up to <see cref="MaxBackoff"/>), and goes on. Only the stopping token ends it.
/// </summary>
public static partial class BackgroundLoop
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(
        string name, TimeSpan interval, Func<CancellationToken, Task> round, TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await round(stopping);
                if (failures > 0)
                {
                    LogRecovered(logger, name, failures);
                    failures = 0;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                if (failures++ == 0)
                {
                    LogFailing(logger, ex, name);
                }
            }

            var wait = failures == 0 ? interval : TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, interval.Ticks << Math.Min(failures - 1, 16)));
            try
            {
                await Task.Delay(wait, time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Logs the failure of a task nobody awaits (an event handler's work), instead of leaving it unobserved.</summary>
    public static void LogFailures(this Task task, ILogger logger, string what) => task.ContinueWith(
        t => LogUnobserved(logger, t.Exception!.GetBaseException(), what),
        CancellationToken.None,
        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
        TaskScheduler.Default);

    [LoggerMessage(Level = LogLevel.Error, Message = "Background work '{Name}' failed; it goes on, and retries with a growing pause.")]
    private static partial void LogFailing(ILogger logger, Exception error, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Background work '{Name}' works again after {Failures} failed rounds.")]
    private static partial void LogRecovered(ILogger logger, string name, int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "'{What}' failed in the background; nothing waited for it, so it is logged here.")]
    private static partial void LogUnobserved(ILogger logger, Exception error, string what);
}
