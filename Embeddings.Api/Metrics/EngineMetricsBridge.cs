using Embeddings.Core.Batching;
using Prometheus;

namespace Embeddings.Api.Metrics;

/// <summary>
/// Feeds the engine's events into the Prometheus metrics: each model call as it completes, and the queue
/// depths and refusal counts from the engine's stats just before each scrape.
/// </summary>
public sealed class EngineMetricsBridge : IHostedService
{
    private readonly BatchProcessor _processor;
    private readonly EmbeddingsMetrics _metrics;

    public EngineMetricsBridge(BatchProcessor processor, EmbeddingsMetrics metrics)
    {
        _processor = processor;
        _metrics = metrics;
        metrics.Registry.AddBeforeCollectCallback(RefreshFromStats);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _processor.BatchCompleted += OnBatchCompleted;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _processor.BatchCompleted -= OnBatchCompleted;
        return Task.CompletedTask;
    }

    private void OnBatchCompleted(object? sender, BatchReport batch)
    {
        _metrics.InferenceDuration.WithLabels(batch.Model).Observe(batch.InferenceTime.TotalSeconds);
        _metrics.BatchSize.WithLabels(batch.Model).Observe(batch.BatchSize);
        _metrics.BatchTokens.WithLabels(batch.Model).Observe(batch.PaddedTokens);
        _metrics.PaddingEfficiency.WithLabels(batch.Model).Observe(batch.PaddingEfficiency);
    }

    private void RefreshFromStats()
    {
        foreach (var stats in _processor.GetAllStats())
        {
            _metrics.QueueDepth.WithLabels(stats.Model).Set(stats.QueueDepth);
            _metrics.Rejected.WithLabels(stats.Model, "queue_full").IncTo(stats.RejectedQueueFull);
            _metrics.Rejected.WithLabels(stats.Model, "shutting_down").IncTo(stats.RejectedShuttingDown);
            _metrics.Rejected.WithLabels(stats.Model, "cancelled").IncTo(stats.Cancelled);
            _metrics.Rejected.WithLabels(stats.Model, "model_failed").IncTo(stats.Failed);
        }
    }
}
