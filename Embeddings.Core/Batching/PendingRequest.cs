using Embeddings.Core.Models;

namespace Embeddings.Core.Batching;

/// <summary>
/// One tokenized input waiting in a model's queue, with its own reply (a <see cref="TaskCompletionSource{T}"/>
/// that runs continuations asynchronously) and its enqueue timestamp.
/// State moves once: Queued to Dispatched (by the dispatcher) or Queued to Cancelled (by the caller's token).
/// </summary>
internal sealed class PendingRequest
{
    private const int Queued = 0;
    private const int Dispatched = 1;
    private const int Cancelled = 2;

    private static readonly Action<object?, CancellationToken> OnCancel = static (state, token) =>
        ((PendingRequest)state!).Cancel(token);

    private readonly TaskCompletionSource<ModelEmbedding> _reply =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _state;
    private CancellationTokenRegistration _registration;

    public PendingRequest(ModelQueue owner, TokenizedInput input, bool normalize, long enqueuedAt)
    {
        Owner = owner;
        Input = input;
        Normalize = normalize;
        EnqueuedAt = enqueuedAt;
    }

    public ModelQueue Owner { get; }

    public TokenizedInput Input { get; }

    public bool Normalize { get; }

    /// <summary>TimeProvider timestamp taken when the input was admitted.</summary>
    public long EnqueuedAt { get; }

    public Task<ModelEmbedding> Task => _reply.Task;

    public bool IsCancelled => Volatile.Read(ref _state) == Cancelled;

    /// <summary>Ties the caller's token to this request; called once, after the request is queued.</summary>
    public void Watch(CancellationToken ct)
    {
        if (ct.CanBeCanceled)
        {
            _registration = ct.Register(OnCancel, this);
        }
    }

    public void Unwatch() => _registration.Unregister();

    /// <summary>Claims the request for a batch; false when the caller already cancelled it.</summary>
    public bool TryDispatch() => Interlocked.CompareExchange(ref _state, Dispatched, Queued) == Queued;

    public void Complete(ModelEmbedding result)
    {
        _registration.Unregister();
        _reply.TrySetResult(result);
    }

    public void Fail(Exception error)
    {
        _registration.Unregister();
        _reply.TrySetException(error);
    }

    private void Cancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
        {
            // Still queued: it leaves the queue now and will never reach the model.
            Owner.OnCancelledWhileQueued();
            _reply.TrySetCanceled(token);
        }
        else if (_reply.TrySetCanceled(token))
        {
            // Already in a running batch: the caller stops waiting; the result is discarded.
            Owner.OnCancelledInFlight();
        }
    }
}
