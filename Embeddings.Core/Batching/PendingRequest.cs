using System.Diagnostics;
using Embeddings.Core.Models;

namespace Embeddings.Core.Batching;

/// <summary>
/// One tokenized input waiting in a model's queue, with its own reply (a <see cref="TaskCompletionSource{T}"/> that
/// runs continuations asynchronously) and its enqueue timestamp.
/// State moves once: Queued to Dispatched (claimed for a batch) or Queued to Cancelled (by the caller's token).
/// The reply is set once, and its outcome is counted just before, so a caller that reads the stats after its answer
/// finds itself counted.
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
    private int _answered;
    private CancellationTokenRegistration _registration;

    public PendingRequest(ModelQueue owner, TokenizedInput input, bool normalize, long enqueuedAt, Activity? caller, Activity? wait)
    {
        Owner = owner;
        Input = input;
        Normalize = normalize;
        EnqueuedAt = enqueuedAt;
        Caller = caller?.Context ?? default;
        Wait = wait;
    }

    /// <summary>The span of whoever queued this input (default when not traced): the batch links to it.</summary>
    public ActivityContext Caller { get; }

    /// <summary>This input's queue-wait span, if traced; it ends when the batch starts (or the input leaves).</summary>
    public Activity? Wait { get; }

    public ModelQueue Owner { get; }

    public TokenizedInput Input { get; }

    public bool Normalize { get; }

    /// <summary>TimeProvider timestamp taken when the input was admitted.</summary>
    public long EnqueuedAt { get; }

    public Task<ModelEmbedding> Task => _reply.Task;

    public bool IsCancelled => Volatile.Read(ref _state) == Cancelled;

    /// <summary>Neither claimed for a batch nor cancelled yet.</summary>
    public bool IsQueued => Volatile.Read(ref _state) == Queued;

    /// <summary>Ties the caller's token to this request; called once, before the request is queued.</summary>
    public void Watch(CancellationToken ct)
    {
        if (ct.CanBeCanceled)
        {
            _registration = ct.Register(OnCancel, this);
        }
    }

    /// <summary>Claims the request for a batch (or for a failure); false when the caller already cancelled it.</summary>
    public bool TryDispatch() => Interlocked.CompareExchange(ref _state, Dispatched, Queued) == Queued;

    public void Complete(ModelEmbedding result)
    {
        Wait?.Stop();
        _registration.Unregister();
        if (TryClaimReply())
        {
            Owner.Stats.Completed();
            _reply.SetResult(result);
        }
    }

    public void Fail(Exception error)
    {
        Wait?.Stop();
        _registration.Unregister();
        if (TryClaimReply())
        {
            Owner.Stats.Failed();
            _reply.SetException(error);
        }
    }

    private void Cancel(CancellationToken token)
    {
        var queued = Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued;
        if (queued)
        {
            Owner.OnCancelledWhileQueued(); // it leaves the queue now and will never reach the model
        }

        Wait?.Stop();
        if (TryClaimReply())
        {
            Owner.Stats.Cancelled(inFlight: !queued);
            _reply.SetCanceled(token);
        }
    }

    /// <summary>True for the first of complete, fail and cancel: that one counts the outcome and sets the reply.</summary>
    private bool TryClaimReply() => Interlocked.Exchange(ref _answered, 1) == 0;
}
