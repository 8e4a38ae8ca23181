using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Embeddings.Admin.Tests.Support;
using Embeddings.Contracts;
using Embeddings.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Embeddings.Admin.Tests.Browser;

/// <summary>
/// The real admin and the real API, each on a real Kestrel port, driven in headless chromium: sign in, tune a model,
/// check through the API that it took, and see a wrong key refused. Screenshots of both pages are taken under load;
/// set <c>EMBEDDINGS_SCREENSHOTS</c> to a folder (the repository's <c>docs</c>) to keep them there.
/// </summary>
public sealed class AdminBrowserTests : IAsyncLifetime
{
    private const string AdminKey = "browser-test-admin-key";
    private const string Model = ApiHostFactory.Model;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly List<string> _consoleErrors = [];
    private RedisServer _redis = null!;
    private ApiHostFactory _api = null!;
    private AdminFactory _admin = null!;
    private HttpClient _apiClient = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    private static string ScreenshotDirectory =>
        Environment.GetEnvironmentVariable("EMBEDDINGS_SCREENSHOTS") is { Length: > 0 } folder
            ? folder
            : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(); // the API keeps its batching config in a real Redis, as deployed
        _api = ApiHostFactory.Start(AdminKey, new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _redis.ConnectionString });
        _apiClient = _api.CreateClient();
        _admin = new AdminFactory(AdminKey, realApi: _api.ClientOptions.BaseAddress);
        _admin.UseKestrel(0);
        _admin.StartServer();
        _playwright = await Playwright.CreateAsync().WaitAsync(Limit);
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        }).WaitAsync(Limit);
        SetDefaultExpectTimeout(30_000);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _apiClient.Dispose();
        await _admin.DisposeAsync();
        await _api.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private string Admin(string path) => new Uri(_admin.ClientOptions.BaseAddress, path).ToString();

    private async Task<IPage> NewPageAsync()
    {
        var context = await _browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 960 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_consoleErrors)
                {
                    _consoleErrors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_consoleErrors)
            {
                _consoleErrors.Add(error);
            }
        };
        return page;
    }

    private async Task<ModelInfo> ReadModelFromApiAsync() =>
        (await _apiClient.GetFromJsonAsync<ModelInfo>(new Uri($"/models/{Model}", UriKind.Relative), JsonSerializerOptions.Web).WaitAsync(Limit))!;

    private static Task<int> SamplesAsync(IPage page) =>
        page.GetByTestId("history-charts").EvaluateAsync<int>("e => Number(e.dataset.samples)");

    [Fact]
    public async Task Sign_in_tune_a_model_see_it_applied_and_a_wrong_key_refused()
    {
        await using var load = new LoadGenerator(_apiClient, Model, clients: 4);
        var page = await NewPageAsync();

        // 1. The login page, for anyone not signed in.
        await page.GotoAsync(Admin("/"));
        await Expect(page).ToHaveURLAsync(new Regex("/login\\?ReturnUrl=%2F$"));
        await Expect(page.GetByLabel("Admin key")).ToBeVisibleAsync();

        // 2. Sign in with the key: the overview, live.
        await page.GetByLabel("Admin key").FillAsync(AdminKey);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page).ToHaveURLAsync(Admin("/"));
        await Expect(page.GetByTestId("api-health")).ToHaveTextAsync("Healthy");
        await Expect(page.GetByTestId("models-table")).ToContainTextAsync(Model);
        var card = page.Locator($"[data-testid=model-card][data-model={Model}]");
        await Expect(card.GetByTestId("replica-row")).ToHaveCountAsync(1);
        await Expect(card.GetByTestId("throughput")).Not.ToContainTextAsync(" 0.0 items/s");
        await Expect(card.GetByTestId("throughput")).ToContainTextAsync(new Regex(@"[1-9][0-9.]* items/s"));
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "admin-overview.png"), FullPage = true });

        // 3. Open the model: its history is there at once.
        await page.GetByTestId("models-table").GetByRole(AriaRole.Link, new() { Name = Model }).ClickAsync();
        await Expect(page).ToHaveURLAsync(Admin($"/models/{Model}"));
        var before = await ReadModelFromApiAsync();
        await Expect(page.GetByTestId("config-version")).ToHaveTextAsync($"Config version {before.Config.Version}");
        await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=history-charts]')?.dataset.samples) >= 10");

        // 4. Max batch size 7 and a latency target, applied. The target is far above what this load takes, so that the
        // controller refuses none of it; it shows the target's charts.
        Assert.NotEqual(7, before.Batching.MaxBatchSize);
        Assert.Null(before.Batching.TargetP95Ms);
        await page.GetByLabel("Max batch size").FillAsync("7");
        await page.GetByLabel("Target p95 (ms)").FillAsync("1000");
        await Expect(page.GetByTestId("pending-changes")).ToHaveTextAsync(
            $"Changes: maxBatchSize {before.Batching.MaxBatchSize} → 7, targetP95Ms off → 1000");
        var samplesBeforeChange = await SamplesAsync(page);
        await page.GetByTestId("apply").ClickAsync();
        await Expect(page.GetByTestId("config-version")).ToHaveTextAsync($"Config version {before.Config.Version + 1}");
        await Expect(page.GetByTestId("config-updated-by")).ToHaveTextAsync(new Regex("^admin dashboard \\(signed in from .+\\)$"));

        // 5. The API applies it.
        var after = await ReadModelFromApiAsync();
        Assert.Equal(7, after.Batching.MaxBatchSize);
        Assert.True(after.Config.Version > before.Config.Version);
        Assert.Equal(before.Batching with { MaxBatchSize = 7, TargetP95Ms = 1000 }, after.Batching);
        Assert.Equal("redis", after.Config.Store); // stored in Redis, for every replica

        // The charts mark the change, and show some time under the new setting before the screenshot.
        await Expect(page.GetByTestId("config-changes")).ToContainTextAsync($"v{before.Config.Version} → v{after.Config.Version}");
        await page.WaitForFunctionAsync(
            "n => Number(document.querySelector('[data-testid=history-charts]')?.dataset.samples) >= n",
            samplesBeforeChange + 10);
        await Expect(page.GetByTestId("chart-latency-p95")).ToContainTextAsync("and the target");
        await Expect(page.GetByTestId("chart-effective")).ToContainTextAsync("Batch size and wait the controller runs");
        // The axis labels are drawn at their own size (the charts' view box is their element's), not scaled down.
        var smallestLabel = await page.EvaluateAsync<double>(
            "() => Math.min(...[...document.querySelectorAll('[data-testid=history-charts] svg text')].map(t => t.getBoundingClientRect().height))");
        Assert.InRange(smallestLabel, 11, 40);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "admin-model.png"), FullPage = true });

        // Signing out (a form inside the live circuit, with its antiforgery token) ends the session.
        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/login$"));
        await page.GotoAsync(Admin($"/models/{Model}"));
        await Expect(page).ToHaveURLAsync(new Regex("/login\\?ReturnUrl="));

        // 6. A wrong key is refused, and not shown back.
        var stranger = await NewPageAsync();
        await stranger.GotoAsync(Admin("/login"));
        await stranger.GetByLabel("Admin key").FillAsync("not-the-admin-key");
        await stranger.GetByTestId("login-submit").ClickAsync();
        await Expect(stranger.GetByTestId("login-error")).ToHaveTextAsync("That is not the admin key.");
        await Expect(stranger.GetByLabel("Admin key")).ToHaveValueAsync("");
        await Expect(stranger).ToHaveURLAsync(new Regex("/login$"));
        Assert.DoesNotContain("not-the-admin-key", await stranger.ContentAsync());
        Assert.Equal(7, (await ReadModelFromApiAsync()).Batching.MaxBatchSize);

        Assert.True(load.Sent > 0);
        Assert.Equal(0, load.Failed);
        // No script error and no content-security-policy violation: only the refused sign-in's 401 (and a favicon).
        lock (_consoleErrors)
        {
            Assert.All(_consoleErrors, error => Assert.Matches("status of (401|404)", error));
        }
    }
}
