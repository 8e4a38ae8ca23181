using System.Security.Claims;
using Bunit;
using Embeddings.Admin.Api;
using Embeddings.Admin.Auth;
using Embeddings.Admin.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Interop;
using MudBlazor.Services;

namespace Embeddings.Admin.Tests.Support;

/// <summary>
/// bUnit with MudBlazor and the admin's own services: the real typed client (as production registers it) over a
/// <see cref="FakeApi"/>, the live stats, a fake clock, and a signed-in admin. xunit 2 only calls Dispose(), which
/// MudBlazor's async-only services refuse, so the context is disposed through IAsyncLifetime.
/// </summary>
public abstract class AdminTestContext : BunitContext, IAsyncLifetime
{
    public const string AdminKey = "test-admin-key";
    public const string SignedInFrom = "192.0.2.7";

    /// <summary>The longest any wait on the system under test may take.</summary>
    protected static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    protected AdminTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        // The charts size their view box to their element (MatchBoundsToSize), which the browser measures; say what a
        // browser would, or they draw nothing.
        JSInterop.Setup<ElementSize>("mudObserveElementSize", _ => true).SetResult(new ElementSize { Width = 560, Height = 220 });
        Services.AddMudServices();
        Services.AddSingleton<TimeProvider>(Time);
        Services.Configure<AdminKeyOptions>(options => options.AdminKey = AdminKey);
        Services.AddLiveStats();
#pragma warning disable EXTEXP0001 // Retries and timeouts are Polly's (and would wait on the fake clock); these tests are about what the admin sends and shows.
        Services.AddEmbeddingsApiClient()
            .ConfigureHttpClient(http => http.BaseAddress = new Uri("http://api.test"))
            .ConfigurePrimaryHttpMessageHandler(() => Api)
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        var auth = AddAuthorization();
        auth.SetAuthorized(AdminUser.Name);
        auth.SetClaims(new Claim(AdminUser.SignedInFromClaim, SignedInFrom));
    }

    protected FakeApi Api { get; } = new();

    protected FakeTimeProvider Time { get; } = new(Data.Noon);

    protected LiveStats Live => Services.GetRequiredService<LiveStats>();

    /// <summary>One poll of the API, as the background poller makes every second.</summary>
    protected async Task PollAsync()
    {
        using var cts = new CancellationTokenSource(Limit);
        await Services.GetRequiredService<ApiMonitor>().PollAsync(cts.Token).WaitAsync(Limit);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
