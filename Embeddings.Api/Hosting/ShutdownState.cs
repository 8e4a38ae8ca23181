namespace Embeddings.Api.Hosting;

/// <summary>Whether this replica is stopping (SIGTERM came): its readiness says Unhealthy and its answers close their
/// connections, while it still serves.</summary>
public sealed class ShutdownState
{
    private volatile bool _stopping;

    public bool IsStopping => _stopping;

    public void Begin() => _stopping = true;
}
