using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Embeddings.Api;

/// <summary>
/// Kestrel's limits, set on purpose (README lists them): a body up to <see cref="ApiOptions.MaxRequestBytes"/>; a request
/// line up to 16 KB (twice Kestrel's default, so that even a 10 kB model name reaches the app and gets a problem answer
/// rather than a bare 414); headers up to 32 KB in all and 100 in number; 30 s to send the headers; 2 minutes of keep-alive.
/// </summary>
public static class KestrelLimits
{
    public const int MaxRequestLineBytes = 16 * 1024;
    public const int MaxHeadersBytes = 32 * 1024;
    public const int MaxHeaderCount = 100;

    public static IServiceCollection AddKestrelLimits(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ApiOptions>>((kestrel, api) =>
        {
            var limits = kestrel.Limits;
            limits.MaxRequestBodySize = api.Value.MaxRequestBytes;
            limits.MaxRequestLineSize = MaxRequestLineBytes;
            limits.MaxRequestHeadersTotalSize = MaxHeadersBytes;
            limits.MaxRequestHeaderCount = MaxHeaderCount;
            limits.RequestHeadersTimeout = TimeSpan.FromSeconds(30);
            limits.KeepAliveTimeout = TimeSpan.FromMinutes(2);
        });
        return services;
    }
}
