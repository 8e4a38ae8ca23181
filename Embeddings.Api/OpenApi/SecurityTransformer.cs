using Embeddings.Api.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Embeddings.Api.OpenApi;

/// <summary>
/// The document's security, read from what the server enforces: the admin key (<c>adminKey</c>) on the routes that
/// require <see cref="SecurityExtensions.AdminPolicy"/>; an API key (<c>apiKey</c>) on the routes that require
/// <see cref="SecurityExtensions.EmbedPolicy"/>, but only while <see cref="ApiOptions.ApiKeys"/> has one (else those
/// routes are open and cannot answer 401); <c>security: []</c> on every other route.
/// </summary>
public sealed class SecurityTransformer(IOptions<ApiOptions> options) : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string AdminKey = "adminKey";
    public const string ApiKey = "apiKey";

    private bool ApiKeysConfigured => options.Value.ApiKeys.Any(k => !string.IsNullOrEmpty(k));

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.AddComponent<IOpenApiSecurityScheme>(AdminKey, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The admin key, `Authorization: Bearer <Embeddings:AdminKey>`: live tuning of batching. "
                + "Where no admin key is configured, tuning over HTTP is refused (401).",
        });
        if (ApiKeysConfigured)
        {
            document.AddComponent<IOpenApiSecurityScheme>(ApiKey, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "Any one of the API keys, `Authorization: Bearer <one of Embeddings:ApiKeys>`: the embedding routes. "
                    + "OpenAI SDKs send their API key this way.",
            });
        }

        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var policies = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToHashSet();
        var scheme = policies.Contains(SecurityExtensions.AdminPolicy) ? AdminKey
            : policies.Contains(SecurityExtensions.EmbedPolicy) && ApiKeysConfigured ? ApiKey
            : null;

        operation.Security = [];
        if (scheme is null)
        {
            operation.Responses?.Remove(StatusCodes.Status401Unauthorized.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] });
        }

        return Task.CompletedTask;
    }
}
