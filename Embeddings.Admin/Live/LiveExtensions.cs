namespace Embeddings.Admin.Live;

public static class LiveExtensions
{
    /// <summary>The shared live view of the API and the poller that keeps it current.</summary>
    public static IServiceCollection AddLiveStats(this IServiceCollection services)
    {
        services.AddSingleton<LiveStats>();
        services.AddSingleton<ApiMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<ApiMonitor>());
        return services;
    }
}
