using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Embeddings.AppHost;

public static class PrometheusHosting
{
    private static readonly string[] RuleFiles = ["alerts.yml", "recording.yml"];

    /// <summary>
    /// Adds Prometheus for a local run, scraping every replica of <paramref name="api"/> on its own address every 5 s:
    /// the targets come from the api's <c>/prometheus/targets</c> (HTTP service discovery, refreshed every 5 s), so a
    /// replica that starts or stops is picked up without a restart. It loads deploy/prometheus's alerting and recording
    /// rules (its Alerts and Rules pages), as a deployment's Prometheus would. <c>Prometheus:Mode</c> (container|executable|none)
    /// overrides the choice; otherwise a healthy container runtime means the container, a <c>prometheus</c> on PATH
    /// (Debian's package) means a local process, else none, said once. Deployments bring their own Prometheus, so a
    /// publish leaves it out.
    /// </summary>
    public static IResourceBuilder<IResourceWithEndpoints>? AddBestPrometheus(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ProjectResource> api)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return null;
        }

        var mode = HostTools.Choose(builder.Configuration["Prometheus:Mode"], "prometheus");
        Console.WriteLine(mode == HostingMode.None
            ? "Prometheus is skipped: no container runtime and no `prometheus` on PATH (Debian: apt-get install prometheus)."
            : $"Prometheus runs as: {mode}");
        if (mode == HostingMode.None)
        {
            return null;
        }

        var folder = Directory.CreateTempSubdirectory("embeddings-prometheus-").FullName;
        builder.Services.AddHostedService(_ => new FolderCleanup(folder));
        foreach (var rules in RuleFiles)
        {
            // Beside the config, which names them relative to itself (in the container too).
            File.Copy(Path.Combine(builder.AppHostDirectory, "..", "deploy", "prometheus", rules), Path.Combine(folder, rules));
        }

        var targets = api.GetEndpoint("http");
        var config = Path.Combine(folder, "prometheus.yml");
        return mode switch
        {
            HostingMode.Container => builder.AddContainer(name, "prom/prometheus", "v2.53.0")
                .WithBindMount(folder, "/etc/prometheus", isReadOnly: true)
                .WithContainerRuntimeArgs("--add-host=host.docker.internal:host-gateway")
                .WithArgs(async context =>
                {
                    // Inside the container the host's loopback is host.docker.internal.
                    var url = new UriBuilder(await targets.GetValueAsync(context.CancellationToken) ?? "") { Host = "host.docker.internal" };
                    await WriteConfigAsync(config, $"{url.Uri}prometheus/targets?host=host.docker.internal", context.CancellationToken);
                    context.Args.Add("--config.file=/etc/prometheus/prometheus.yml");
                })
                .WithHttpEndpoint(targetPort: 9090, name: "http")
                .WithHttpHealthCheck("/-/ready")
                .WaitFor(api),
            _ => builder.AddPrometheusProcess(name, folder, config, targets).WaitFor(api),
        };
    }

    private static IResourceBuilder<ExecutableResource> AddPrometheusProcess(
        this IDistributedApplicationBuilder builder, string name, string folder, string config, EndpointReference targets)
    {
        var prometheus = builder.AddExecutable(name, "prometheus", folder).WithHttpEndpoint(name: "http", env: "PROMETHEUS_PORT");
        var port = prometheus.GetEndpoint("http").Property(EndpointProperty.TargetPort);
        return prometheus
            .WithArgs(async context =>
            {
                // Prometheus reads no environment in its config: write it with the api's address, known by now.
                await WriteConfigAsync(config, $"{await targets.GetValueAsync(context.CancellationToken)}/prometheus/targets", context.CancellationToken);
                context.Args.Add("--config.file=" + config);
                context.Args.Add("--storage.tsdb.path=" + Path.Combine(folder, "data"));
                context.Args.Add(ReferenceExpression.Create($"--web.listen-address=127.0.0.1:{port}"));
            })
            .WithHttpHealthCheck("/-/ready");
    }

    private static Task WriteConfigAsync(string path, string targetsUrl, CancellationToken ct) => File.WriteAllTextAsync(path, $"""
        # Written by the AppHost for this run.
        global:
          scrape_interval: 5s
          evaluation_interval: 5s
        rule_files:
        {string.Join("\n", RuleFiles.Select(r => $"  - {r}"))}
        scrape_configs:
          - job_name: embeddings-api
            metrics_path: /metrics
            http_sd_configs:
              - url: "{targetsUrl}"
                refresh_interval: 5s
        """, ct);

    /// <summary>Deletes the run's Prometheus folder (config and data) when the AppHost stops.</summary>
    private sealed class FolderCleanup(string folder) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Prometheus may still hold a file; the folder is under the system's temp directory.
            }

            return Task.CompletedTask;
        }
    }
}
