using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Embeddings.Api.Stats;

/// <summary>Who this replica is among many: its host, process id and a random suffix (two apps may share a process in tests), and its own HTTP address (from the server's
/// bound addresses, not a shared proxy in front), so that others (the admin, Prometheus) can tell replicas apart.</summary>
public sealed class ReplicaIdentity(IServer server)
{
    public string Id { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>The first address the server listens on; a wildcard host becomes this machine's name. Null before it listens.</summary>
    public string? Address
    {
        get
        {
            var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (bound is null || !Uri.TryCreate(bound.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                return bound;
            }

            var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? Environment.MachineName : uri.Host;
            return $"{uri.Scheme}://{host}:{uri.Port}";
        }
    }
}
