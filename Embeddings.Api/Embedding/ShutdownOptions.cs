using System.ComponentModel.DataAnnotations;

namespace Embeddings.Api.Embedding;

/// <summary>How the API stops (SIGTERM), bound from <c>Embeddings:Shutdown</c>.</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Embeddings:Shutdown";

    /// <summary>How long the API keeps listening after SIGTERM, answering new embedding requests with a fast 503
    /// (Retry-After, Connection: close) while /health says Unhealthy, so load balancers stop sending before it closes.</summary>
    [Range(0, 300)]
    public int LameDuckSeconds { get; set; } = 5;

    /// <summary>The longest the queued inputs may take to drain; any still queued then are answered 503.</summary>
    [Range(1, 3600)]
    public int DrainTimeoutSeconds { get; set; } = 120;

    /// <summary>What the host may take to stop: the lame duck, the drain, and 10 s for the server to close.</summary>
    public TimeSpan HostTimeout => TimeSpan.FromSeconds(LameDuckSeconds + DrainTimeoutSeconds + 10);
}
