using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Embeddings.Contracts;
using Embeddings.Core.Models;
using Microsoft.Extensions.Logging;

namespace Embeddings.Core.Batching;

/// <summary>
/// The engine's front door: one <see cref="ModelQueue"/> (admission, a dispatcher loop that plans batches, runners
/// that pull them) per registered model. Callers are admitted first, then tokenize on their own thread, then wait
/// for their own answer.
/// <para>
/// Stats: <see cref="GetStats"/> returns cumulative counters and averages per model; the same events feed the
/// instruments on the meter <see cref="EmbeddingsMeter.Name"/>.
/// </para>
/// <para>
/// Shutdown (<see cref="ShutdownAsync"/> or <see cref="DisposeAsync"/>): new submits fail at once with
/// <see cref="ShuttingDownException"/>; everything queued is dispatched without waiting for the batch window;
/// batches in flight finish; then it returns. The registry and its models are not disposed here.
/// </para>
/// </summary>
public sealed class BatchProcessor : IAsyncDisposable
{
    private readonly FrozenDictionary<string, ModelQueue> _queues;
    private readonly ModelQueue[] _ordered;
    private readonly EngineInstruments _instruments;
    private readonly ILogger _logger;
    private readonly Lock _shutdownLock = new();
    private readonly CancellationTokenSource _abandon = new(); // stops the batches in flight when a drain runs out of time
    private Task? _shutdown;
    private volatile bool _stopping;
    private bool _disposed;

    public BatchProcessor(
        ModelRegistry registry,
        TimeProvider timeProvider,
        ILogger<BatchProcessor> logger,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        foreach (var model in registry.All)
        {
            model.Batching.EnsureValid();
        }

        _instruments = new EngineInstruments(meterFactory, () => _ordered ?? []); // empty until the queues exist
        _ordered = [.. registry.All.Select(m => new ModelQueue(m, timeProvider, logger, _instruments, _abandon.Token))];
        _queues = _ordered.ToFrozenDictionary(q => q.Id, StringComparer.OrdinalIgnoreCase);
        Models = [.. _ordered.Select(q => q.Id)];
    }

    /// <summary>Ids of the served models, in ordinal order.</summary>
    public IReadOnlyList<string> Models { get; }

    /// <summary>True once shutdown began; submits are refused from then on.</summary>
    public bool IsShuttingDown => _stopping;

    /// <summary>Models whose dispatcher crashed, with the reason; they answer every caller with a model failure.</summary>
    public IReadOnlyDictionary<string, Exception> FailedModels =>
        _ordered.Where(q => q.Fault is not null).ToDictionary(q => q.Id, q => q.Fault!);

    /// <summary>Embeds one input. Throws <see cref="ModelNotFoundException"/>, <see cref="InvalidInputException"/>,
    /// <see cref="QueueFullException"/>, <see cref="ShuttingDownException"/> or <see cref="ModelFailedException"/>;
    /// cancelled while queued, it never reaches the model.</summary>
    public Task<ModelEmbedding> SubmitAsync(string model, ModelInput input, CancellationToken ct = default)
    {
        // Not async: the caller gets the request's own task, so it is complete the moment the answer is set
        // (before ShutdownAsync returns, for example). Errors still arrive through the task.
        try
        {
            return Submit(model, [input], ct)[0];
        }
        catch (Exception ex)
        {
            return Task.FromException<ModelEmbedding>(ex);
        }
    }

    /// <summary>Embeds several inputs; results come in input order. The inputs are admitted to the queue together
    /// or refused together.</summary>
    public async Task<IReadOnlyList<ModelEmbedding>> SubmitBatchAsync(
        string model, IReadOnlyList<ModelInput> inputs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.Count == 0 ? [] : await Task.WhenAll(Submit(model, inputs, ct)).ConfigureAwait(false);
    }

    public BatchingOptions GetOptions(string model) => Queue(model).Options;

    /// <summary>Validates (<see cref="InvalidOptionsException"/>) and applies the options from the model's next
    /// batch, live: nothing restarts and nothing queued is lost.</summary>
    public BatchingOptions UpdateOptions(string model, BatchingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var queue = Queue(model);
        return queue.UpdateOptions(options.EnsureValid());
    }

    public ModelStatsSnapshot GetStats(string model) => Queue(model).GetStats();

    /// <summary>Queue waits of a model's inputs since start (seconds, in their histogram's buckets), for live percentiles.</summary>
    public BucketCounter QueueWaits(string model) => Queue(model).Stats.QueueWaits;

    /// <summary>Stats of every model, in <see cref="Models"/> order.</summary>
    public IReadOnlyList<ModelStatsSnapshot> GetAllStats() => [.. _ordered.Select(q => q.GetStats())];

    /// <summary>Stops accepting, runs what is queued, waits for batches in flight. Idempotent.
    /// <paramref name="ct"/> only stops the waiting; the drain goes on.</summary>
    public Task ShutdownAsync(CancellationToken ct = default)
    {
        lock (_shutdownLock)
        {
            if (_shutdown is null)
            {
                _stopping = true;
                BatchingLog.ShutdownStarted(_logger, _ordered.Sum(q => q.QueueDepth));
                foreach (var queue in _ordered)
                {
                    queue.Complete();
                }

                _shutdown = StopAsync();
            }
        }

        return _shutdown.WaitAsync(ct);
    }

    /// <summary>From now on every model dispatches what waits at once, without waiting for a batch to fill or its
    /// window to pass (what a drain wants: the server has stopped listening); new inputs are still accepted.</summary>
    public void StopWaitingForBatches()
    {
        foreach (var queue in _ordered)
        {
            queue.StopWaiting();
        }
    }

    /// <summary>Gives up on everything (when a drain takes too long): stops accepting, answers every input still queued
    /// with <see cref="ShuttingDownException"/>, and stops the batches in flight (their runs are terminated), whose
    /// callers get the same answer. The queues then complete at once.</summary>
    public void AbandonAll()
    {
        _ = ShutdownAsync(CancellationToken.None);
        foreach (var queue in _ordered)
        {
            queue.Abandon();
        }

        lock (_shutdownLock)
        {
            if (!_disposed)
            {
                _abandon.Cancel();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync(CancellationToken.None).ConfigureAwait(false);
        _instruments.Dispose();
        lock (_shutdownLock)
        {
            _disposed = true;
            _abandon.Dispose();
        }
    }

    internal ModelQueue Queue(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _queues.TryGetValue(model, out var queue) ? queue : throw new ModelNotFoundException(model);
    }

    /// <summary>Admits, then tokenizes, then queues: a refusal costs no tokenizing, and each input is tokenized once.</summary>
    private Task<ModelEmbedding>[] Submit(string model, IReadOnlyList<ModelInput> inputs, CancellationToken ct)
    {
        var queue = Queue(model);
        ct.ThrowIfCancellationRequested();
        queue.Admit(inputs.Count);
        var prepared = new (TokenizedInput, bool)[inputs.Count];
        try
        {
            for (var i = 0; i < prepared.Length; i++)
            {
                prepared[i] = queue.Prepare(inputs[i]);
            }
        }
        catch
        {
            queue.Release(inputs.Count);
            throw;
        }

        return queue.Enqueue(prepared, ct);
    }

    private async Task StopAsync()
    {
        await Task.WhenAll(_ordered.Select(q => q.Completion)).ConfigureAwait(false);
        BatchingLog.ShutdownCompleted(_logger);
    }
}
