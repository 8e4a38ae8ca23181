using Embeddings.Api.Hosting;
using Embeddings.Contracts;

namespace Embeddings.Api.Stats;

/// <summary>Once a second, samples this replica's live stats and leaves them in the stats store. Nothing ends the loop
/// but shutdown (<see cref="BackgroundLoop"/>); a store that cannot be reached is Redis's guard's business.</summary>
public sealed class LiveStatsPublisher(
    LiveStatsSampler sampler, ILiveStatsStore store, ReplicaIdentity replica, TimeProvider time, ILogger<LiveStatsPublisher> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => BackgroundLoop.RunAsync(
        "live stats",
        Interval,
        ct => store.PublishAsync(new ReplicaStats(replica.Id, replica.Address, time.GetUtcNow(), sampler.Sample()), ct),
        time,
        logger,
        stoppingToken);
}
