using System.Net;
using System.Text.RegularExpressions;
using Embeddings.Admin.Auth;
using Embeddings.Admin.Security;
using Embeddings.Admin.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Embeddings.Admin.Tests;

/// <summary>Signing in and out over HTTP against the real admin app: cookie, antiforgery, throttle, headers, and the
/// key never coming back in a page.</summary>
public sealed partial class LoginHttpTests : IAsyncLifetime
{
    private const string WrongKey = "not-the-key-987";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly AdminFactory _factory = new();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    private async Task<string> TokenFromAsync(string path) =>
        TokenPattern().Match(await _client.GetStringAsync(new Uri(path, UriKind.Relative)).WaitAsync(Limit)).Groups[1].Value;

    private Task<HttpResponseMessage> PostKeyAsync(string token, string key) =>
        _client.PostAsync(new Uri("/login?ReturnUrl=%2F", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Key"] = key,
        })).WaitAsync(Limit);

    [Fact]
    public async Task Pages_need_a_sign_in_but_health_does_not()
    {
        using var home = await _client.GetAsync(new Uri("/", UriKind.Relative)).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2F", home.Headers.Location!.PathAndQuery);

        using var model = await _client.GetAsync(new Uri("/models/all-minilm-l6-v2", UriKind.Relative)).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.Redirect, model.StatusCode);

        using var health = await _client.GetAsync(new Uri("/health", UriKind.Relative)).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Answers_carry_the_security_headers()
    {
        using var login = await _client.GetAsync(new Uri("/login", UriKind.Relative)).WaitAsync(Limit);

        Assert.Equal("nosniff", Assert.Single(login.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(login.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(login.Headers.GetValues("Referrer-Policy")));
        var csp = Assert.Single(login.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self';", csp);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_the_right_one_signs_in_and_neither_comes_back_in_a_page()
    {
        var token = await TokenFromAsync("/login?ReturnUrl=%2F");

        using var wrong = await PostKeyAsync(token, WrongKey);
        var wrongPage = await wrong.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("That is not the admin key.", wrongPage);
        Assert.DoesNotContain(WrongKey, wrongPage);
        Assert.DoesNotContain(wrong.Headers, h => h.Key == "Set-Cookie");

        using var right = await PostKeyAsync(token, AdminTestContext.AdminKey);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal("/", right.Headers.Location!.AbsolutePath);
        var cookie = Assert.Single(right.Headers.GetValues("Set-Cookie"), c => c.StartsWith("embeddings.admin=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(AdminTestContext.AdminKey, await right.Content.ReadAsStringAsync());

        using var home = await _client.GetAsync(new Uri("/", UriKind.Relative)).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.DoesNotContain(AdminTestContext.AdminKey, await home.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_sign_in_without_the_antiforgery_token_is_refused()
    {
        using var response = await _client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Input.Key"] = AdminTestContext.AdminKey,
        })).WaitAsync(Limit);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie");
    }

    [Fact]
    public async Task Repeated_attempts_from_one_address_are_slowed_down_with_retry_after()
    {
        var token = await TokenFromAsync("/login");
        for (var attempt = 0; attempt < LoginThrottle.PermitLimit; attempt++)
        {
            using var refused = await PostKeyAsync(token, WrongKey);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // Past the limit even the right key waits.
        using var throttled = await PostKeyAsync(token, AdminTestContext.AdminKey);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        var retryAfter = throttled.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), LoginThrottle.Window);
        Assert.Contains($"Wait {(int)retryAfter.Value.TotalSeconds} seconds", await throttled.Content.ReadAsStringAsync());
        Assert.DoesNotContain(throttled.Headers, h => h.Key == "Set-Cookie");

        // Showing the login page is never limited.
        using var page = await _client.GetAsync(new Uri("/login", UriKind.Relative)).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Signing_out_needs_the_antiforgery_token_and_ends_the_session()
    {
        using (await PostKeyAsync(await TokenFromAsync("/login"), AdminTestContext.AdminKey))
        {
        }

        // A token issued to the signed-in user (the login page shows one to anyone; the dashboard's own sign-out form
        // gets its token inside the circuit).
        var token = await TokenFromAsync("/login");
        Assert.NotEmpty(token);

        using var forged = await _client.PostAsync(new Uri("/account/logout", UriKind.Relative), new FormUrlEncodedContent([])).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using (var stillIn = await _client.GetAsync(new Uri("/", UriKind.Relative)).WaitAsync(Limit))
        {
            Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        }

        using var signOut = await _client.PostAsync(new Uri("/account/logout", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
        })).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/login", signOut.Headers.Location!.OriginalString);

        using var after = await _client.GetAsync(new Uri("/", UriKind.Relative)).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_key_nobody_can_sign_in_and_the_page_says_why()
    {
        await using var factory = new AdminFactory(adminKey: null);
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var page = await client.GetStringAsync(new Uri("/login", UriKind.Relative)).WaitAsync(Limit);

        Assert.Contains("No admin key is configured", page);
        Assert.DoesNotContain("name=\"Input.Key\"", page);
    }
}
