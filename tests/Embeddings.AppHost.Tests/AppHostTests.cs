using System.Net;

namespace Embeddings.AppHost.Tests;

/// <summary>The whole app, started by its AppHost as a user would run it: redis, api and admin come up healthy.</summary>
public class AppHostTests
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Redis_api_and_admin_become_healthy_and_api_health_answers()
    {
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
    }
}
