using Microsoft.Extensions.Http.Resilience;

namespace Embeddings.Admin.Api;

public static class ApiClientExtensions
{
    /// <summary>The base address of the API: service discovery resolves it (the AppHost injects <c>services__api__*</c>;
    /// standalone, <c>services:api:http</c> in appsettings.json).</summary>
    public static readonly Uri ApiAddress = new("https+http://api");

    /// <summary>The typed client, with resilience tuned for a dashboard that polls every second: a few seconds at most
    /// per call and one quick retry of reads, so an unreachable API shows at once instead of after half a minute of
    /// retries. Changes (PUT, DELETE) are never retried: the person sees the outcome and decides.</summary>
    public static IHttpClientBuilder AddEmbeddingsApiClient(this IServiceCollection services)
    {
        var client = services.AddHttpClient<EmbeddingsApiClient>(http => http.BaseAddress = ApiAddress);
#pragma warning disable EXTEXP0001 // Experimental, and the one way to replace the service defaults' standard handler for one client.
        client.RemoveAllResilienceHandlers()
#pragma warning restore EXTEXP0001
            .AddStandardResilienceHandler(resilience =>
            {
                resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(3);
                resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(5);
                resilience.Retry.MaxRetryAttempts = 1;
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(200);
                resilience.Retry.DisableForUnsafeHttpMethods();
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
            });
        return client;
    }
}
