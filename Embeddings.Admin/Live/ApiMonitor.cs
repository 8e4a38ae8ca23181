using Embeddings.Admin.Api;
using Embeddings.Contracts;

namespace Embeddings.Admin.Live;

/// <summary>
/// Once a second (on the injected <see cref="TimeProvider"/>) asks the API for its health and <c>GET /stats</c>, and
/// the model list when it is new or out of date (<see cref="ModelListWatch"/>), and records the answer or the failure in <see cref="LiveStats"/>. One poller per
/// admin process, however many people watch. A failing API is logged when it starts failing and when it recovers;
/// nothing stops the loop but shutdown.
/// </summary>
public sealed partial class ApiMonitor(
    IServiceScopeFactory scopes, LiveStats live, TimeProvider time, ILogger<ApiMonitor> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly ModelListWatch _models = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                await PollAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One poll. A typed client per poll (from a fresh scope), so its handler is recycled like any other.</summary>
    public async Task PollAsync(CancellationToken ct)
    {
        var wasFailing = live.Current.Error is not null;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var api = scope.ServiceProvider.GetRequiredService<EmbeddingsApiClient>();
            var health = await api.GetHealthAsync(ct);
            var stats = await api.GetStatsAsync(ct);
            var models = _models.ShouldRead(stats, live.Current.Models) ? await ReadModelsAsync(api, ct) : null;
            live.Record(time.GetUtcNow(), health, stats, models);
            if (wasFailing)
            {
                LogRecovered(logger);
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // ApiException says what went wrong in words; anything else is a bug here, still shown rather than fatal.
            live.RecordFailure(time.GetUtcNow(), ex is ApiException ? ex.Message : $"Reading the API failed: {ex.Message}");
            if (!wasFailing)
            {
                LogFailing(logger, ex);
            }
        }
    }

    private async Task<IReadOnlyList<ModelInfo>> ReadModelsAsync(EmbeddingsApiClient api, CancellationToken ct)
    {
        try
        {
            return await api.GetModelsAsync(ct);
        }
        catch
        {
            _models.ReadFailed();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The API cannot be read; the dashboard shows the error and retries every second.")]
    private static partial void LogFailing(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "The API can be read again.")]
    private static partial void LogRecovered(ILogger logger);
}
