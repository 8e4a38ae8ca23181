using System.ComponentModel.DataAnnotations;

namespace Embeddings.Api.Hosting;

/// <summary>How the API stops (SIGTERM), bound from <c>Embeddings:Shutdown</c>.</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Embeddings:Shutdown";

    /// <summary>How long the API keeps serving after SIGTERM while /health says Unhealthy, every answer with
    /// Connection: close, so load balancers take it out and clients reconnect elsewhere before it stops listening.</summary>
    [Range(0, 300)]
    public int LameDuckSeconds { get; set; } = 5;

    /// <summary>The longest the requests accepted before the server stopped listening may take to finish; then what is
    /// still queued or running is stopped and answered 503.</summary>
    [Range(1, 3600)]
    public int DrainTimeoutSeconds { get; set; } = 120;

    /// <summary>What the host may take to stop: the lame duck, the drain, and 10 s for the server to close.</summary>
    public TimeSpan HostTimeout => TimeSpan.FromSeconds(LameDuckSeconds + DrainTimeoutSeconds + 10);
}
