using Microsoft.AspNetCore.Components;

namespace Embeddings.Admin.Components.Shared;

/// <summary>A component whose reads and writes end when it goes away: each API call takes <see cref="Disposing"/>,
/// which is cancelled when the component is disposed (the person left the page, or the circuit closed), so nothing
/// keeps waiting on the API for a page nobody sees.</summary>
public abstract class CancellableComponent : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _disposing = new();

    protected CancellableComponent() => Disposing = _disposing.Token;

    /// <summary>Cancelled when the component is disposed; pass it to every API call.</summary>
    protected CancellationToken Disposing { get; }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing && !_disposing.IsCancellationRequested)
        {
            _disposing.Cancel();
            _disposing.Dispose();
        }
    }
}
