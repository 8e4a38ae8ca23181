using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Embeddings.Api.Security;

public static class SecurityExtensions
{
    /// <summary>The schemes and policies: the admin key guards live tuning; API keys, when any are configured, guard the
    /// embedding routes.</summary>
    public const string AdminScheme = "AdminKey";
    public const string AdminPolicy = "admin";
    public const string ApiKeyScheme = "ApiKey";
    public const string EmbedPolicy = "embed";

    /// <summary>The admin key (<see cref="ApiOptions.AdminKey"/>) and the API keys (<see cref="ApiOptions.ApiKeys"/>) as
    /// bearer schemes, the policies that require them, and the limiter of wrong keys that both share.</summary>
    public static IServiceCollection AddEmbeddingsSecurity(this IServiceCollection services)
    {
        services.AddSingleton<FailedKeyLimiter>();
        services.AddAuthentication()
            .AddScheme<BearerKeyOptions, BearerKeyHandler>(AdminScheme, _ => { })
            .AddScheme<BearerKeyOptions, BearerKeyHandler>(ApiKeyScheme, _ => { });
        services.AddOptions<BearerKeyOptions>(AdminScheme).Configure<IOptions<ApiOptions>>((scheme, api) =>
        {
            scheme.Keys = string.IsNullOrEmpty(api.Value.AdminKey) ? [] : [api.Value.AdminKey];
            scheme.NoKeysDetail = "Live tuning is disabled: no admin key is configured (Embeddings:AdminKey).";
        });
        services.AddOptions<BearerKeyOptions>(ApiKeyScheme).Configure<IOptions<ApiOptions>>(
            (scheme, api) => scheme.Keys = [.. api.Value.ApiKeys.Where(k => !string.IsNullOrEmpty(k))]);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, policy => policy.AddAuthenticationSchemes(AdminScheme).RequireAuthenticatedUser());
        services.AddOptions<AuthorizationOptions>().Configure<IOptions<ApiOptions>>((authorization, api) =>
            authorization.AddPolicy(EmbedPolicy, policy =>
            {
                if (api.Value.ApiKeys.Any(k => !string.IsNullOrEmpty(k)))
                {
                    policy.AddAuthenticationSchemes(ApiKeyScheme).RequireAuthenticatedUser();
                }
                else
                {
                    policy.RequireAssertion(_ => true); // no API keys configured: the embedding routes are open
                }
            }));
        return services;
    }
}
