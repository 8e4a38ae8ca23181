using Microsoft.Extensions.Options;

namespace Embeddings.Api.Hosting;

public static class HostingExtensions
{
    /// <summary>The stop sequence (<see cref="GracefulShutdown"/>), its options, readiness, and a host timeout that fits it.</summary>
    public static IServiceCollection AddGracefulShutdown(this IServiceCollection services)
    {
        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) => host.ShutdownTimeout = shutdown.Value.HostTimeout);
        services.AddSingleton<ShutdownState>();
        services.AddHostedService<GracefulShutdown>();
        services.AddHealthChecks().AddCheck<ReadinessHealthCheck>("readiness");
        return services;
    }

    /// <summary>Once the replica is stopping, every answer closes its connection, so clients and balancers open their
    /// next one elsewhere rather than reuse one the server is about to close.</summary>
    public static WebApplication UseConnectionCloseWhenStopping(this WebApplication app)
    {
        var shutdown = app.Services.GetRequiredService<ShutdownState>();
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                if (shutdown.IsStopping)
                {
                    context.Response.Headers.Connection = "close";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
