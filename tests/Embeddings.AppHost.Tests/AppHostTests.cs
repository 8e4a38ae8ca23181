using System.Net;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Microsoft.Playwright;

namespace Embeddings.AppHost.Tests;

/// <summary>
/// The whole app, started by its AppHost as a user would run it: redis, api and admin come up healthy,
/// and the dashboard, in a real browser, signs in with the admin key and shows the API's health and its models.
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
        var adminKey = $"apphost-test-{Guid.NewGuid():N}";
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>([$"--Parameters:{AdminKeyParameter}={adminKey}"], cts.Token);
        GiveTheAdminKeyUnlessTheAppHostDoes(appHost, adminKey);
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

        await AssertDashboardShowsHealthAndModelsAsync(app.GetEndpoint("admin", "http"), adminKey);
    }

    /// <summary>The AppHost parameter that is to carry the admin key to the api and the admin (as Embeddings__AdminKey).</summary>
    private const string AdminKeyParameter = "admin-key";

    /// <summary>The test owns the admin key. Once the AppHost has an <c>admin-key</c> parameter, the argument above gives
    /// it its value; until then the test hands the same key to the api and the admin itself.</summary>
    private static void GiveTheAdminKeyUnlessTheAppHostDoes(IDistributedApplicationTestingBuilder appHost, string adminKey)
    {
        if (appHost.Resources.OfType<ParameterResource>().Any(p => p.Name == AdminKeyParameter))
        {
            return;
        }

        foreach (var project in appHost.Resources.OfType<ProjectResource>().Where(p => p.Name is "api" or "admin"))
        {
            appHost.CreateResourceBuilder(project).WithEnvironment("Embeddings__AdminKey", adminKey);
        }
    }

    private static async Task AssertDashboardShowsHealthAndModelsAsync(Uri admin, string adminKey)
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

        // Every page but the login (and /health) needs the admin key.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/login"), new() { Timeout = 30_000 });
        await page.GetByLabel("Admin key").FillAsync(adminKey);
        await page.GetByTestId("login-submit").ClickAsync();

        await Assertions.Expect(page.GetByTestId("api-health")).ToHaveTextAsync("Healthy", new() { Timeout = 30_000 });
        var table = page.GetByTestId("models-table");
        await Assertions.Expect(table).ToContainTextAsync("all-minilm-l6-v2", new() { Timeout = 30_000 });
        await Assertions.Expect(table).ToContainTextAsync("arctic-embed-xs");
        await Assertions.Expect(table).ToContainTextAsync("cpu");
    }
}
