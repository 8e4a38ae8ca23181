using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Embeddings.Core.Onnx;

/// <summary>
/// The ONNX Runtime sessions of one catalog load, shared: models that load the same weights (the same SHA-256 and
/// precision) with the same session settings (execution provider, threads per run) share one session, so twelve model
/// ids over one file hold one copy of the weights and one memory arena. <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue})"/>
/// is safe to call from several threads at once. Each model holds a lease; the last lease to go disposes the session.
/// </summary>
public sealed partial class SharedSessions
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Sha256, string Precision, string Provider, int Threads), Entry> _sessions = [];

    /// <summary>A lease on the session for <paramref name="settings"/>, created on first use.</summary>
    internal SessionLease Acquire(OnnxModelSettings settings, string sha256, ILogger logger)
    {
        var key = (sha256, settings.Precision, settings.ExecutionProvider, settings.IntraOpThreads);
        lock (_lock)
        {
            if (!_sessions.TryGetValue(key, out var entry))
            {
                var (session, provider) = OnnxSessionFactory.Create(settings, logger);
                _sessions[key] = entry = new Entry(session, provider);
            }
            else
            {
                LogShared(logger, settings.Id, sha256[..12]);
            }

            entry.Leases++;
            return new SessionLease(entry.Session, entry.Provider, () => Release(key));
        }
    }

    /// <summary>Sessions held now (for tests: how many copies of weights this load made).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _sessions.Count;
            }
        }
    }

    private void Release((string, string, string, int) key)
    {
        lock (_lock)
        {
            if (_sessions.TryGetValue(key, out var entry) && --entry.Leases == 0)
            {
                _sessions.Remove(key);
                entry.Session.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model '{ModelId}' shares the loaded weights of revision {Revision} with another model id.")]
    private static partial void LogShared(ILogger logger, string modelId, string revision);

    private sealed class Entry(InferenceSession session, string provider)
    {
        public InferenceSession Session { get; } = session;

        public string Provider { get; } = provider;

        public int Leases { get; set; }
    }
}

/// <summary>A model's hold on a (possibly shared) session; disposing it lets the session go once nobody holds it.</summary>
internal sealed class SessionLease(InferenceSession session, string provider, Action release) : IDisposable
{
    private int _released;

    public InferenceSession Session { get; } = session;

    /// <summary>The execution provider the session really runs on.</summary>
    public string Provider { get; } = provider;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            release();
        }
    }
}
