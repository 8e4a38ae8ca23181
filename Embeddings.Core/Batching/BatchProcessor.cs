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
    private readonly InferenceScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly Lock _shutdownLock = new();
    private readonly CancellationTokenSource _abandon = new(); // stops the batches in flight when a drain runs out of time
    private Task? _shutdown;
    private volatile bool _stopping;
    private bool _disposed;

    /// <param name="inferenceSlots">Batches that may run at once over every model (runner threads); default: one per
    /// core and one more (<see cref="DefaultInferenceSlots"/>).</param>
    public BatchProcessor(
        ModelRegistry registry,
        TimeProvider timeProvider,
        ILogger<BatchProcessor> logger,
        IMeterFactory? meterFactory = null,
        int? inferenceSlots = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        foreach (var model in registry.All)
        {
            model.Batching.EnsureValid();
        }

        _scheduler = new InferenceScheduler(inferenceSlots ?? DefaultInferenceSlots);
        _instruments = new EngineInstruments(meterFactory, () => _ordered ?? [], _scheduler); // empty until the queues exist
        _ordered = [.. registry.All.Select(m => new ModelQueue(m, timeProvider, logger, _instruments, _scheduler, _abandon.Token))];
        _queues = _ordered.ToFrozenDictionary(q => q.Id, StringComparer.OrdinalIgnoreCase);
        Models = [.. _ordered.Select(q => q.Id)];
    }

    /// <summary>One slot per core (with one thread per run, the default, several single-threaded runs at once beat one
    /// multi-threaded run on few cores), and one more. A model's <c>maxConcurrentBatches</c> is one per core by default,
    /// so a model alone runs as before, while the spare slot lets another model's batch start beside a flooded model's
    /// instead of waiting for one of its batches to end (a run cannot be preempted). The cores are oversubscribed by that
    /// one run only while two or more models are busy.</summary>
    public static int DefaultInferenceSlots => Environment.ProcessorCount + 1;

    /// <summary>Ids of the served models, in ordinal order.</summary>
    public IReadOnlyList<string> Models { get; }

    /// <summary>Batches that may run at once, over every model.</summary>
    public int InferenceSlots => _scheduler.Slots;

    /// <summary>The options <paramref name="model"/>'s batches are planned with now: the configured ones, with the batch
    /// size and wait its latency controller chose when a target is set.</summary>
    public BatchingOptions GetEffectiveOptions(string model) => Queue(model).Effective;

    /// <summary>The latency target of <paramref name="model"/> and what its controller runs; null without a target.</summary>
    public LatencyState? GetLatency(string model) => Queue(model).Latency;

    /// <summary>Slots <paramref name="model"/> holds now (running a batch, or about to).</summary>
    public int SlotsHeld(string model) => _scheduler.Held(Queue(model));

    /// <summary>True once shutdown began; submits are refused from then on.</summary>
    public bool IsShuttingDown => _stopping;

    /// <summary>Models whose dispatcher crashed, with the reason; they answer every caller with a model failure.</summary>
    public IReadOnlyDictionary<string, Exception> FailedModels =>
        _ordered.Where(q => q.Fault is not null).ToDictionary(q => q.Id, q => q.Fault!);

    /// <summary>
    /// Submits inputs for one model in one call: admitted to its queue together or refused together, as a value
    /// (<see cref="Admission.Refusal"/>: an unknown model, a full queue, shutting down, a failed model, an input that
    /// cannot be tokenized). Admission comes before tokenizing, so a refusal costs nothing. Every input watches
    /// <paramref name="ct"/>: cancelled while queued, it never reaches the model.
    /// </summary>
    public Admission Submit(string model, IReadOnlyList<ModelInput> inputs, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested(); // the caller has gone: nothing to admit, nor to refuse
        return Submit(model, inputs, _ => ct);
    }

    /// <summary>As <see cref="Submit(string, IReadOnlyList{ModelInput}, CancellationToken)"/>, each input watching its own
    /// token (<paramref name="cancellation"/>, one per input): inputs shared by several callers stay until all have left.</summary>
    public Admission Submit(string model, IReadOnlyList<ModelInput> inputs, IReadOnlyList<CancellationToken> cancellation)
    {
        ArgumentNullException.ThrowIfNull(cancellation);
        return cancellation.Count == inputs.Count
            ? Submit(model, inputs, i => cancellation[i])
            : throw new ArgumentException($"One token per input: {cancellation.Count} tokens for {inputs.Count} inputs.", nameof(cancellation));
    }

    /// <summary>Embeds one input, throwing a refusal (for callers where a refusal is exceptional, such as tests).</summary>
    public Task<ModelEmbedding> SubmitAsync(string model, ModelInput input, CancellationToken ct = default)
    {
        // Not async: the caller gets the request's own task, so it is complete the moment the answer is set
        // (before ShutdownAsync returns, for example).
        if (ct.IsCancellationRequested)
        {
            return Task.FromCanceled<ModelEmbedding>(ct);
        }

        var admission = Submit(model, [input], ct);
        return admission.Refusal is { } refused ? Task.FromException<ModelEmbedding>(refused) : admission.Answers![0];
    }

    /// <summary>Embeds several inputs, admitted together, throwing a refusal; results come in input order.</summary>
    public async Task<IReadOnlyList<ModelEmbedding>> SubmitBatchAsync(
        string model, IReadOnlyList<ModelInput> inputs, CancellationToken ct = default)
    {
        var admission = Submit(model, inputs, ct);
        return admission.Refusal is { } refused ? throw refused : await Task.WhenAll(admission.Answers!).ConfigureAwait(false);
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
        _scheduler.Dispose();
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
    private Admission Submit(string model, IReadOnlyList<ModelInput> inputs, Func<int, CancellationToken> cancellation)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        if (!_queues.TryGetValue(model, out var queue))
        {
            return Admission.Refused(new ModelNotFoundException(model));
        }

        if (inputs.Count == 0)
        {
            return Admission.Taken([]);
        }

        if (queue.TryAdmit(inputs.Count) is { } refused)
        {
            return Admission.Refused(refused);
        }

        var prepared = new (TokenizedInput, bool, CancellationToken)[inputs.Count];
        for (var i = 0; i < prepared.Length; i++)
        {
            try
            {
                prepared[i] = (queue.Tokenize(inputs[i]), inputs[i].Normalize, cancellation(i));
            }
            catch (InvalidInputException invalid)
            {
                queue.Release(inputs.Count);
                return Admission.Refused(invalid);
            }
        }

        return queue.Enqueue(prepared);
    }

    private async Task StopAsync()
    {
        await Task.WhenAll(_ordered.Select(q => q.Completion)).ConfigureAwait(false);
        BatchingLog.ShutdownCompleted(_logger);
    }
}
