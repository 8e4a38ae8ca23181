namespace Embeddings.Api.Tests.Contract;

/// <summary>
/// Every route of the document, called through the client Kiota generates from it: implemented in
/// Contract/ClientCalls/GeneratedClientCalls.cs, which is compiled with that client at test time. Each call asserts what
/// it gets back; every answer also passes through <see cref="ConformanceHandler"/>.
/// </summary>
public interface IGeneratedClientCalls
{
    /// <summary><c>POST /embed/{model}</c>: one text and two texts.</summary>
    Task EmbedAsync();

    /// <summary><c>POST /embed/{model}</c> with an unknown model: a 404 problem, as the generated problem type.</summary>
    Task EmbedWithUnknownModelAsync();

    /// <summary><c>POST /v1/embeddings</c>: floats, and base64.</summary>
    Task OpenAiEmbeddingsAsync();

    /// <summary><c>GET /models</c> and <c>GET /models/{model}</c>.</summary>
    Task ModelsAsync();

    /// <summary><c>GET /stats</c>.</summary>
    Task StatsAsync();

    /// <summary><c>PUT</c> and <c>DELETE /models/{model}/batching</c> with the admin key.</summary>
    Task ChangeBatchingWithAdminKeyAsync();

    /// <summary><c>PUT /models/{model}/batching</c> with no key: a 401 problem, as the generated problem type.</summary>
    Task ChangeBatchingWithoutKeyAsync();
}
