using System.Threading.Channels;
using Embeddings.Contracts;
using Embeddings.Core.Models;
using Microsoft.Extensions.Logging;

namespace Embeddings.Core.Batching;

/// <summary>
/// One model's queue. Callers are admitted against <see cref="BatchingOptions.MaxQueueLength"/> before any work,
/// tokenize on their own thread, and send their inputs to a single dispatcher loop, which owns the pending pool. Once a
/// batch is due, the dispatcher claims a slot from the process's one <see cref="InferenceScheduler"/> (shared by every
/// model, at most <see cref="BatchingOptions.MaxConcurrentBatches"/> held by this one); when the slot arrives it plans
/// the batch (<see cref="BatchPlanner"/>) from the whole pool as it is then, so the plan is made as late, and from as
/// many inputs, as possible, and the slot's runner runs it.
/// <para>
/// A batch is due when <see cref="BatchingOptions.MaxBatchSize"/> inputs wait, when the plan cannot grow any more
/// (size, token budget, memory), when the oldest input has waited <see cref="BatchingOptions.MaxWaitMs"/> (on the
/// injected <see cref="TimeProvider"/>), at once when <see cref="BatchingOptions.DispatchWhenIdle"/> is on and no batch
/// of the model runs, and always while shutting down.
/// </para>
/// </summary>
internal sealed partial class ModelQueue : IScheduledQueue
{
    private readonly Channel<QueueCommand> _commands = Channel.CreateUnbounded<QueueCommand>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly IEmbeddingModel _model;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new(); // orders admission against shutdown and faults
    private readonly Task _loop;
    private readonly CancellationToken _abandoned;
    private readonly InferenceScheduler _scheduler;

    private BatchingOptions _options;
    private bool _accepting = true;
    private bool _noWaiting;
    private Exception? _fault;
    private int _queued;
    private int _inFlight;

    /// <param name="scheduler">The process's slots, shared with every other model.</param>
    /// <param name="abandoned">Cancelled when the process gives up on its work: the batches in flight stop.</param>
    public ModelQueue(
        RegisteredModel registered, TimeProvider time, ILogger logger, EngineInstruments instruments, InferenceScheduler scheduler, CancellationToken abandoned)
    {
        _scheduler = scheduler;
        _abandoned = abandoned;
        _model = registered.Model;
        Id = registered.Id;
        _options = registered.Batching;
        _time = time;
        _logger = logger;
        Stats = new ModelStats(Id, instruments);
        BatchingLog.QueueStarted(logger, Id, _options);
        _loop = Task.Run(RunAsync);
    }

    public string Id { get; }

    public BatchingOptions Options => Volatile.Read(ref _options);

    public ModelStats Stats { get; }

    /// <summary>Inputs admitted and not yet in a batch (nor cancelled).</summary>
    public int QueueDepth => Volatile.Read(ref _queued);

    /// <summary>Batches running now.</summary>
    public int InFlightBatches => Volatile.Read(ref _inFlight);

    /// <summary>Why the dispatcher stopped, if it crashed; the model then refuses work with <see cref="ModelFailedException"/>.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>Completes once the queue is completed, everything queued has run and no batch is in flight.</summary>
    public Task Completion => _loop;

    /// <summary>Test hook: raised by the dispatcher just before it waits, with every command written so far read: the live
    /// entries, and the time left before the oldest is due (null when it waits for input or a runner only). When a time
    /// is given, its timer already runs.</summary>
    internal event Action<int, TimeSpan?>? Waiting;

    /// <summary>Entries the dispatcher holds, cancelled ones included (a test looks at the bound).</summary>
    internal int PoolEntries => Volatile.Read(ref _poolEntries);

    /// <summary>Reserves room for <paramref name="count"/> inputs, or refuses them all (returning why): before any
    /// tokenizing, so a refusal costs nothing.</summary>
    public EmbeddingException? TryAdmit(int count)
    {
        if (Fault is { } fault)
        {
            Stats.FailedAtAdmission(count);
            return new ModelFailedException(Id, fault);
        }

        if (!Volatile.Read(ref _accepting))
        {
            return RejectShuttingDown(count);
        }

        var options = Options;
        while (true)
        {
            var queued = Volatile.Read(ref _queued);
            if (queued + count > options.MaxQueueLength)
            {
                Stats.RejectedQueueFull(count);
                return new QueueFullException(Id, options.MaxQueueLength, Stats.EstimateRetryAfter(queued, options, Parallel(options)));
            }

            if (OverTarget(options, queued, count) is { } late)
            {
                Stats.RejectedOverTarget(count);
                return late;
            }

            if (Interlocked.CompareExchange(ref _queued, queued + count, queued) == queued)
            {
                return null;
            }
        }
    }

    /// <summary>Gives back room reserved by <see cref="TryAdmit"/> for inputs that will not be enqueued.</summary>
    public void Release(int count) => Interlocked.Add(ref _queued, -count);

    /// <summary>Tokenizes, on the caller's thread.</summary>
    public TokenizedInput Tokenize(ModelInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return _model.Tokenize(input.Text, input.Truncate);
    }

    /// <summary>Queues inputs admitted by <see cref="TryAdmit"/>, all together, each watching its own token; refused
    /// (and released) if shutdown or a fault came since admission.</summary>
    public Admission Enqueue(ReadOnlySpan<(TokenizedInput Input, bool Normalize, CancellationToken Cancel)> inputs)
    {
        var now = _time.GetTimestamp();
        var requests = new PendingRequest[inputs.Length];
        var tasks = new Task<ModelEmbedding>[inputs.Length];
        var caller = System.Diagnostics.Activity.Current;
        for (var i = 0; i < requests.Length; i++)
        {
            requests[i] = new PendingRequest(this, inputs[i].Input, inputs[i].Normalize, now, caller, EmbeddingsTracing.StartQueueWait(Id));
            tasks[i] = requests[i].Task;
        }

        lock (_gate)
        {
            if (!_accepting)
            {
                // Shutdown or a fault came between admission and now.
                Release(requests.Length);
                if (_fault is { } fault)
                {
                    Stats.FailedAtAdmission(requests.Length);
                    return Admission.Refused(new ModelFailedException(Id, fault));
                }

                return Admission.Refused(RejectShuttingDown(requests.Length));
            }

            Stats.Accepted(requests.Length);
            for (var i = 0; i < requests.Length; i++)
            {
                requests[i].Watch(inputs[i].Cancel); // before the dispatcher can see it
            }

            _commands.Writer.TryWrite(new QueueCommand(requests)); // unbounded and never completed: always succeeds
        }

        return Admission.Taken(tasks);
    }

    /// <summary>Counts a refusal at shutdown and returns it.</summary>
    public ShuttingDownException RejectShuttingDown(int count)
    {
        Stats.RejectedShuttingDown(count);
        return new ShuttingDownException();
    }

    /// <summary>Swaps the options in (already validated); the dispatcher applies them from its next decision.</summary>
    public BatchingOptions UpdateOptions(BatchingOptions options)
    {
        Volatile.Write(ref _options, options);
        _commands.Writer.TryWrite(default); // wake the dispatcher: its cap and due rules may have changed
        BatchingLog.OptionsUpdated(_logger, Id, options);
        return options;
    }

    public ModelStatsSnapshot GetStats() => Stats.Snapshot(QueueDepth, InFlightBatches);

    /// <summary>Makes every batch due at once from now on; see <see cref="BatchProcessor.StopWaitingForBatches"/>.</summary>
    public void StopWaiting()
    {
        Volatile.Write(ref _noWaiting, true);
        _commands.Writer.TryWrite(default); // wake the dispatcher
    }

    /// <summary>Stops taking input; what is queued still runs.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_accepting)
            {
                _accepting = false;
                _commands.Writer.TryWrite(QueueCommand.Stop);
            }
        }
    }

    internal void OnCancelledWhileQueued() => Interlocked.Decrement(ref _queued);

    /// <summary>While shutting down: answers every input still queued with <see cref="ShuttingDownException"/> (the drain
    /// ran out of time); batches in flight finish.</summary>
    public void Abandon() => _commands.Writer.TryWrite(QueueCommand.Abandon);

    /// <summary>What the dispatcher reads: inputs to queue, a slot the scheduler granted, shutdown, giving up on what is
    /// queued, or (default) a wake-up.</summary>
    private readonly record struct QueueCommand(
        PendingRequest[]? Requests = null, BatchRunner? Slot = null, bool IsStop = false, bool IsAbandon = false)
    {
        public static readonly QueueCommand Stop = new(IsStop: true);
        public static readonly QueueCommand Abandon = new(IsAbandon: true);
    }
}
