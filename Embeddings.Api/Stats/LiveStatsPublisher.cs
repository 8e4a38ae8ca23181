using Embeddings.Contracts;

namespace Embeddings.Api.Stats;

/// <summary>Once a second, samples this replica's live stats and leaves them in the stats store. A failing store
/// (Redis away) is logged once, when it starts failing, and never stops the loop.</summary>
public sealed partial class LiveStatsPublisher(
    LiveStatsSampler sampler, ILiveStatsStore store, ReplicaIdentity replica, TimeProvider time, ILogger<LiveStatsPublisher> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        var failing = false;
        do
        {
            try
            {
                await store.PublishAsync(new ReplicaStats(replica.Id, replica.Address, time.GetUtcNow(), sampler.Sample()), stoppingToken);
                if (failing)
                {
                    LogRecovered(logger);
                    failing = false;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (!failing)
                {
                    LogFailing(logger, ex);
                    failing = true;
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live stats cannot be published; retrying every second (the admin sees this replica again once they can).")]
    private static partial void LogFailing(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live stats are published again.")]
    private static partial void LogRecovered(ILogger logger);
}
