using Embeddings.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

// Redis: the container where a container runtime is healthy, else a local redis-server, else none (in-memory fallbacks).
var redis = builder.AddBestRedis("redis");

var api = builder.AddProject<Projects.Embeddings_Api>("api")
    .WithHttpHealthCheck("/health");

var admin = builder.AddProject<Projects.Embeddings_Admin>("admin")
    .WithReference(api)
    .WaitFor(api)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

if (redis is not null)
{
    api.WithReference(redis).WaitFor(redis);
}

// Scale-out is more api replicas sharing Redis; one replica is enough to run it locally.
if (builder.ExecutionContext.IsPublishMode)
{
    api.WithReplicas(2);
}

builder.Build().Run();
