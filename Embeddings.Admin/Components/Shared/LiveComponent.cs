using Embeddings.Admin.Live;
using Microsoft.AspNetCore.Components;

namespace Embeddings.Admin.Components.Shared;

/// <summary>A component that renders from <see cref="LiveStats"/> and renders again after every poll (about once a
/// second), with no page reload. It stops listening, and its API calls are cancelled, when the component goes away.</summary>
public abstract class LiveComponent : CancellableComponent
{
    [Inject]
    protected LiveStats Live { get; set; } = default!;

    protected override void OnInitialized() => Live.Changed += OnLiveChanged;

    /// <summary>Runs on the component's dispatcher after each poll; renders by default.</summary>
    protected virtual Task OnLiveChangedAsync()
    {
        StateHasChanged();
        return Task.CompletedTask;
    }

    private void OnLiveChanged() => _ = RefreshAsync();

    private async Task RefreshAsync()
    {
        try
        {
            await InvokeAsync(OnLiveChangedAsync);
        }
        catch (ObjectDisposedException)
        {
            // The circuit has gone between the poll and this render.
        }
        catch (Exception ex)
        {
            // Not swallowed: the circuit handles it like any exception of this component.
            await DispatchExceptionAsync(ex);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Live.Changed -= OnLiveChanged;
        }

        base.Dispose(disposing);
    }
}
