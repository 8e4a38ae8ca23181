using System.Net;
using Bunit;
using Embeddings.Admin.Auth;
using Embeddings.Admin.Components.Pages;
using Embeddings.Admin.Tests.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Embeddings.Admin.Tests;

/// <summary>The login form: a labelled password field; a wrong key is refused with an error and never shown back; the
/// right key signs in and goes where the person was headed, on this site only.</summary>
public class LoginFormTests : AdminTestContext
{
    private readonly RecordingAuthentication _authentication = new();
    private readonly DefaultHttpContext _http = new();

    public LoginFormTests()
    {
        Services.AddSingleton<AdminSignIn>();
        Services.AddSingleton<IAuthenticationService>(_authentication);
        _http.Connection.RemoteIpAddress = IPAddress.Parse("198.51.100.4");
    }

    private IRenderedComponent<Login> RenderLogin(string returnUrl = "/")
    {
        _http.RequestServices = Services;
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        return Render<Login>(p => p.AddCascadingValue(_http));
    }

    private static void SubmitKey(IRenderedComponent<Login> login, string key)
    {
        login.Find("#admin-key").Change(key);
        login.Find("form").Submit();
    }

    [Fact]
    public void Asks_for_the_admin_key_in_a_labelled_password_field()
    {
        var login = RenderLogin();

        var input = login.Find("#admin-key");
        Assert.Equal("password", input.GetAttribute("type"));
        Assert.Equal("Admin key", login.Find("label[for=admin-key]").TextContent);
        Assert.Empty(login.FindAll("[data-testid=login-no-key]"));
    }

    [Fact]
    public void A_wrong_key_is_refused_and_not_shown_back()
    {
        var login = RenderLogin();

        SubmitKey(login, "not-the-key-987");

        Assert.Equal("That is not the admin key.", login.Find("[data-testid=login-error]").TextContent.Trim());
        Assert.Equal(StatusCodes.Status401Unauthorized, _http.Response.StatusCode);
        Assert.DoesNotContain("not-the-key-987", login.Markup);
        Assert.Empty(_authentication.SignIns);
    }

    [Fact]
    public void An_empty_key_asks_for_one()
    {
        var login = RenderLogin();

        SubmitKey(login, "");

        Assert.Contains("Enter the admin key.", login.Markup);
        Assert.Empty(_authentication.SignIns);
    }

    [Fact]
    public void The_right_key_signs_in_with_where_from_and_goes_back_where_the_person_was_headed()
    {
        var login = RenderLogin(returnUrl: "/models/all-minilm-l6-v2");

        SubmitKey(login, AdminKey);

        var (scheme, user) = Assert.Single(_authentication.SignIns);
        Assert.Equal(CookieAuthenticationDefaults.AuthenticationScheme, scheme);
        Assert.Equal(AdminUser.Name, user.Identity?.Name);
        Assert.Equal("admin dashboard (signed in from 198.51.100.4)", AdminUser.UpdatedBy(user));
        Assert.EndsWith("/models/all-minilm-l6-v2", Services.GetRequiredService<NavigationManager>().Uri);
        Assert.DoesNotContain(AdminKey, login.Markup);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    public void A_return_address_off_this_site_goes_to_the_overview_instead(string returnUrl)
    {
        var login = RenderLogin(returnUrl);

        SubmitKey(login, AdminKey);

        Assert.Equal(Services.GetRequiredService<NavigationManager>().BaseUri, Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void Without_a_configured_key_the_page_says_so_plainly()
    {
        Services.Configure<AdminKeyOptions>(options => options.AdminKey = null);

        var login = RenderLogin();

        Assert.Contains("No admin key is configured", login.Find("[data-testid=login-no-key]").TextContent);
        Assert.Empty(login.FindAll("form"));
        Assert.False(Services.GetRequiredService<IOptionsMonitor<AdminKeyOptions>>().CurrentValue.Matches(""));
    }
}
