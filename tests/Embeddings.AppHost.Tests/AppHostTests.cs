using System.Net;
using Microsoft.Playwright;

namespace Embeddings.AppHost.Tests;

/// <summary>
/// The whole app, started by its AppHost as a user would run it: redis, api and admin come up healthy,
/// and the dashboard, in a real browser, shows the API's health and its models.
/// </summary>
[Collection(AppHostCollection.Name)]
public class AppHostTests
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Redis_api_and_admin_become_healthy_and_the_dashboard_shows_the_models()
    {
        Prerequisites.RequireRedis();
        using var cts = new CancellationTokenSource(StartupTimeout);
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(cts.Token);
        await using var app = await appHost.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);

        foreach (var resource in new[] { "redis", "api", "admin" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cts.Token);
        }

        using var http = app.CreateHttpClient("api");
        using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(cts.Token));

        await AssertDashboardShowsHealthAndModelsAsync(app.GetEndpoint("admin", "http"));
    }

    private static async Task AssertDashboardShowsHealthAndModelsAsync(Uri admin)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(admin.ToString());

        await Assertions.Expect(page.GetByTestId("api-health")).ToHaveTextAsync("Healthy", new() { Timeout = 30_000 });
        var table = page.GetByTestId("models-table");
        await Assertions.Expect(table).ToContainTextAsync("all-minilm-l6-v2", new() { Timeout = 30_000 });
        await Assertions.Expect(table).ToContainTextAsync("arctic-embed-xs");
        await Assertions.Expect(table).ToContainTextAsync("cpu");
    }
}
