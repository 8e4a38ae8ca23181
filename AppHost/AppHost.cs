using Embeddings.AppHost;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// The admin key, a secret: Parameters:admin-key when set, else generated for this run. The api checks it; the admin
// asks for it at login and sends it to the api.
var adminKey = builder.AddParameter("admin-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

// Redis, with a password in every mode: the container where a container runtime is healthy, else a local
// redis-server, else none (in-memory fallbacks). The replicas share it: config, result cache and live stats.
var redis = builder.AddBestRedis("redis");

// The api, Api:Replicas processes (2 by default) behind one endpoint.
var api = builder.AddProject<Projects.Embeddings_Api>("api")
    .WithReplicas(builder.Configuration.GetValue("Api:Replicas", 2))
    .WithEnvironment("Embeddings__AdminKey", adminKey)
    .WithHttpHealthCheck("/health");
if (redis is not null)
{
    api.WithReference(redis).WaitFor(redis);
}

// Prometheus (local runs), scraping each api replica's own /metrics.
builder.AddBestPrometheus("prometheus", api);

// The admin dashboard, reading and tuning through the api.
builder.AddProject<Projects.Embeddings_Admin>("admin")
    .WithReference(api)
    .WaitFor(api)
    .WithEnvironment("Embeddings__AdminKey", adminKey)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

builder.Build().Run();
