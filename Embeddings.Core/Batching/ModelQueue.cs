using System.Threading.Channels;
using Embeddings.Core.Models;
using Microsoft.Extensions.Logging;

namespace Embeddings.Core.Batching;

/// <summary>
/// One model's queue: callers write tokenized inputs into a channel; a single dispatcher loop owns the
/// pending list, gathers batches and hands them to dedicated runner threads (at most
/// <see cref="BatchingOptions.MaxConcurrentBatches"/> at once).
/// <para>
/// A batch is dispatched when <see cref="BatchingOptions.MaxBatchSize"/> inputs wait, when no further input
/// could join without the padded cost (longest x count) passing <see cref="BatchingOptions.MaxBatchTokens"/>
/// (a single over-budget input goes alone), when the oldest input has waited
/// <see cref="BatchingOptions.MaxWaitMs"/> (on the injected <see cref="TimeProvider"/>), or at shutdown.
/// Batches are taken oldest first, then sorted by token count and split by <see cref="BatchSplitter"/>;
/// each part is one model call: parts that find a free runner slot run at once, the rest in turn on the
/// batch's own runner.
/// </para>
/// </summary>
internal sealed partial class ModelQueue
{
    /// <summary>An empty submission: wakes the dispatcher after an options change.</summary>
    private static readonly PendingRequest[] Wake = [];

    private readonly Channel<PendingRequest[]> _channel = Channel.CreateUnbounded<PendingRequest[]>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly Queue<PendingRequest> _pending = new(); // dispatcher only, oldest first
    private readonly IEmbeddingModel _model;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BatchMetrics _metrics;
    private readonly ModelStats _stats;
    private readonly Action<BatchReport> _onBatch;
    private readonly KeyValuePair<string, object?> _modelTag;
    private readonly RunnerSlots _slots;
    private readonly RunnerThreads _runners;
    private readonly Task _loop;

    private BatchingOptions _options;
    private int _queued;
    private int _inFlight;

    // Dispatcher state.
    private Task<bool>? _readWait;
    private Task? _slotWait;
    private bool _haveSlot;
    private bool _inputDone;

    public ModelQueue(
        RegisteredModel registered,
        TimeProvider time,
        ILogger logger,
        BatchMetrics metrics,
        Action<BatchReport> onBatch)
    {
        _model = registered.Model;
        Id = registered.Id;
        _options = registered.Batching.EnsureValid();
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _onBatch = onBatch;
        _stats = new ModelStats(Id);
        _modelTag = new(EmbeddingsInstruments.ModelTag, Id);
        _slots = new RunnerSlots(_options.MaxConcurrentBatches);
        _runners = new RunnerThreads(Id);
        BatchingLog.QueueStarted(logger, Id, _options.MaxBatchSize, _options.MaxWaitMs, _options.MaxConcurrentBatches);
        _loop = Task.Run(RunAsync);
    }

    public string Id { get; }

    public BatchingOptions Options => Volatile.Read(ref _options);

    /// <summary>Inputs admitted and not yet in a batch (nor cancelled).</summary>
    public int QueueDepth => Volatile.Read(ref _queued);

    /// <summary>Gathered batches running now.</summary>
    public int InFlightBatches => Volatile.Read(ref _inFlight);

    /// <summary>Completes once the queue is completed, everything queued has run and no batch is in flight.</summary>
    public Task Completion => _loop;

    /// <summary>Test hook: raised by the dispatcher just before it waits (pending entries, time left before the
    /// oldest is due, or null when it waits for input only). When a time is given, its timer already runs.</summary>
    internal event Action<int, TimeSpan?>? Waiting;

    /// <summary>Applies the prompt prefix and tokenizes on the caller's thread.</summary>
    public (TokenizedInput Input, bool Normalize) Prepare(ModelInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var descriptor = _model.Descriptor;
        var text = input.Text;
        if (input.Prompt is { } prompt)
        {
            if (!descriptor.Prompts.TryGetValue(prompt, out var prefix))
            {
                var known = descriptor.Prompts.Count == 0
                    ? "it has none"
                    : "known prompts: " + string.Join(", ", descriptor.Prompts.Keys.Order(StringComparer.Ordinal));
                throw new InvalidInputException($"Model '{Id}' has no prompt named '{prompt}' ({known}).");
            }

            text = prefix + text;
        }

        return (_model.Tokenize(text, input.Truncate), input.Normalize ?? descriptor.Normalize);
    }

    /// <summary>Admits all inputs or none (against <see cref="BatchingOptions.MaxQueueLength"/>) and queues them.</summary>
    public Task<ModelEmbedding>[] Enqueue(ReadOnlySpan<(TokenizedInput Input, bool Normalize)> inputs, CancellationToken ct)
    {
        var count = inputs.Length;
        var options = Options;
        while (true)
        {
            var queued = Volatile.Read(ref _queued);
            if (queued + count > options.MaxQueueLength)
            {
                _stats.AddRejectedQueueFull(count);
                _metrics.Rejected.Add(count, _modelTag, new(EmbeddingsInstruments.ReasonTag, EmbeddingsInstruments.ReasonQueueFull));
                throw new QueueFullException(Id, options.MaxQueueLength, _stats.EstimateRetryAfter(queued, options));
            }

            if (Interlocked.CompareExchange(ref _queued, queued + count, queued) == queued)
            {
                break;
            }
        }

        var now = _time.GetTimestamp();
        var requests = new PendingRequest[count];
        for (var i = 0; i < count; i++)
        {
            requests[i] = new PendingRequest(this, inputs[i].Input, inputs[i].Normalize, now);
        }

        // Watch the token before the requests become visible, so the dispatcher never races the registration.
        var tasks = new Task<ModelEmbedding>[count];
        for (var i = 0; i < count; i++)
        {
            tasks[i] = requests[i].Task;
            requests[i].Watch(ct);
        }

        if (!_channel.Writer.TryWrite(requests))
        {
            foreach (var request in requests)
            {
                request.Unwatch();
                if (request.TryDispatch())
                {
                    Interlocked.Decrement(ref _queued); // a request cancelled meanwhile has given its place back already
                }
            }

            throw RejectShuttingDown(count);
        }

        _stats.AddRequests(count);
        _metrics.Requests.Add(count, _modelTag);
        return tasks;
    }

    /// <summary>Counts a refusal at shutdown and returns the error to throw.</summary>
    public ShuttingDownException RejectShuttingDown(int count)
    {
        _stats.AddRejectedShuttingDown(count);
        _metrics.Rejected.Add(count, _modelTag, new(EmbeddingsInstruments.ReasonTag, EmbeddingsInstruments.ReasonShuttingDown));
        return new ShuttingDownException();
    }

    /// <summary>Swaps the options in; the dispatcher applies them from its next decision.</summary>
    public BatchingOptions UpdateOptions(BatchingOptions options)
    {
        options.EnsureValid();
        Volatile.Write(ref _options, options);
        _slots.SetLimit(options.MaxConcurrentBatches);
        _channel.Writer.TryWrite(Wake);
        BatchingLog.OptionsUpdated(_logger, Id, options);
        return options;
    }

    public ModelStatsSnapshot GetStats() => _stats.Snapshot(QueueDepth, InFlightBatches);

    /// <summary>Stops taking input; what is queued still runs.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    internal void OnCancelledWhileQueued()
    {
        Interlocked.Decrement(ref _queued);
        _stats.AddCancelled();
        _metrics.Cancelled.Add(1, _modelTag);
    }

    internal void OnCancelledInFlight() => _stats.AddCancelledInFlight();
}
