namespace Embeddings.Testing;

/// <summary>A clock that tells the time but fails to start timers: an injected dependency that breaks a model's
/// dispatcher loop the first time it needs to wait for a batch window.</summary>
public sealed class FailingTimerTimeProvider : TimeProvider
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new InvalidOperationException("This clock cannot start timers.");
}
