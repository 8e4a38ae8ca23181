using Microsoft.Extensions.Options;

namespace Embeddings.Api.Security;

public static class SecurityExtensions
{
    /// <summary>The authentication scheme and policy that guard live tuning.</summary>
    public const string AdminScheme = "AdminKey";
    public const string AdminPolicy = "admin";

    /// <summary>The admin key (<see cref="ApiOptions.AdminKey"/>) as a bearer scheme, and the policy that requires it.</summary>
    public static IServiceCollection AddEmbeddingsSecurity(this IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<BearerKeyOptions, BearerKeyHandler>(AdminScheme, _ => { });
        services.AddOptions<BearerKeyOptions>(AdminScheme).Configure<IOptions<ApiOptions>>((scheme, api) =>
        {
            scheme.Keys = string.IsNullOrEmpty(api.Value.AdminKey) ? [] : [api.Value.AdminKey];
            scheme.NoKeysDetail = "Live tuning is disabled: no admin key is configured (Embeddings:AdminKey).";
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, policy => policy.AddAuthenticationSchemes(AdminScheme).RequireAuthenticatedUser());
        return services;
    }
}
