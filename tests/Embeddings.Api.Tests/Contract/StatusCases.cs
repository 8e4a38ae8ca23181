namespace Embeddings.Api.Tests.Contract;

/// <summary>
/// How to provoke, on a <see cref="KeyedApi"/>, each status an operation of the document declares, keyed by
/// "operationId status". Statuses that need a server of their own, and the one no test can provoke, are listed apart
/// with where or why.
/// </summary>
public static class StatusCases
{
    private const string AdminKey = ApiFactory.AdminKey;
    private const string ApiKey = KeyedApi.ApiKey;
    private static readonly HttpMethod Post = HttpMethod.Post;
    private static readonly string Embed = $"/embed/{KeyedApi.MiniLm}";
    private static readonly string Batching = $"/models/{KeyedApi.MiniLm}/batching";

    public static readonly IReadOnlyDictionary<string, Func<KeyedApi, Task<HttpResponseMessage>>> OnTheMatrixServer =
        new Dictionary<string, Func<KeyedApi, Task<HttpResponseMessage>>>(StringComparer.Ordinal)
        {
            ["Embed 200"] = api => api.SendAsync(Post, Embed, """{"inputs": "the cat sat"}""", ApiKey),
            ["Embed 400"] = api => api.SendAsync(Post, Embed, """{"inputs": 42}""", ApiKey),
            ["Embed 401"] = api => api.SendAsync(Post, Embed, """{"inputs": "no key"}"""),
            ["Embed 404"] = api => api.SendAsync(Post, "/embed/no-such-model", """{"inputs": "x"}""", ApiKey),
            ["Embed 413"] = api => api.SendAsync(Post, Embed, """{"inputs": ["1", "2", "3", "4", "5"]}""", ApiKey),
            ["Embed 415"] = api => api.SendAsync(Post, Embed, "the cat sat", ApiKey, "text/plain"),
            ["Embed 429"] = api => WhileTheRunnerIsHeldAsync(api, () =>
                api.SendAsync(Post, $"/embed/{KeyedApi.Simulated}", """{"inputs": ["1", "2", "3"]}""", ApiKey)),
            ["Embed 503"] = api => WithTheNextBatchFailingAsync(api, () =>
                api.SendAsync(Post, $"/embed/{KeyedApi.Simulated}", $$"""{"inputs": "fails {{Guid.NewGuid()}}"}""", ApiKey)),

            ["CreateEmbeddings 200"] = api => api.SendAsync(Post, "/v1/embeddings", OpenAi(KeyedApi.MiniLm, "\"the cat sat\""), ApiKey),
            ["CreateEmbeddings 400"] = api => api.SendAsync(Post, "/v1/embeddings", """{"input": "no model"}""", ApiKey),
            ["CreateEmbeddings 401"] = api => api.SendAsync(Post, "/v1/embeddings", OpenAi(KeyedApi.MiniLm, "\"no key\"")),
            ["CreateEmbeddings 404"] = api => api.SendAsync(Post, "/v1/embeddings", OpenAi("no-such-model", "\"x\""), ApiKey),
            ["CreateEmbeddings 413"] = api => api.SendAsync(Post, "/v1/embeddings", OpenAi(KeyedApi.MiniLm, """["1", "2", "3", "4", "5"]"""), ApiKey),
            ["CreateEmbeddings 415"] = api => api.SendAsync(Post, "/v1/embeddings", "the cat sat", ApiKey, "text/plain"),
            ["CreateEmbeddings 429"] = api => WhileTheRunnerIsHeldAsync(api, () =>
                api.SendAsync(Post, "/v1/embeddings", OpenAi(KeyedApi.Simulated, """["1", "2", "3"]"""), ApiKey)),
            ["CreateEmbeddings 503"] = api => WithTheNextBatchFailingAsync(api, () =>
                api.SendAsync(Post, "/v1/embeddings", OpenAi(KeyedApi.Simulated, $"\"fails {Guid.NewGuid()}\""), ApiKey)),

            ["ListModels 200"] = api => api.SendAsync(HttpMethod.Get, "/models"),
            ["GetModel 200"] = api => api.SendAsync(HttpMethod.Get, $"/models/{KeyedApi.MiniLm}"),
            ["GetModel 404"] = api => api.SendAsync(HttpMethod.Get, "/models/no-such-model"),
            ["ClusterStats 200"] = api => api.SendAsync(HttpMethod.Get, "/stats"),

            ["UpdateBatching 200"] = api => api.SendAsync(HttpMethod.Put, Batching, """{"maxWaitMs": 4}""", AdminKey),
            ["UpdateBatching 400"] = api => api.SendAsync(HttpMethod.Put, Batching, """{"maxBatchSize": 0}""", AdminKey),
            ["UpdateBatching 401"] = api => api.SendAsync(HttpMethod.Put, Batching, """{"maxWaitMs": 4}"""),
            ["UpdateBatching 404"] = api => api.SendAsync(HttpMethod.Put, "/models/no-such-model/batching", """{"maxWaitMs": 4}""", AdminKey),
            ["UpdateBatching 413"] = api => api.SendAsync(HttpMethod.Put, Batching, $$"""{"maxWaitMs": 4{{new string(' ', 2000)}}}""", AdminKey),
            ["UpdateBatching 415"] = api => api.SendAsync(HttpMethod.Put, Batching, "maxWaitMs=4", AdminKey, "application/x-www-form-urlencoded"),

            ["ResetBatching 200"] = api => api.SendAsync(HttpMethod.Delete, Batching, key: AdminKey),
            ["ResetBatching 401"] = api => api.SendAsync(HttpMethod.Delete, Batching),
            ["ResetBatching 404"] = api => api.SendAsync(HttpMethod.Delete, "/models/no-such-model/batching", key: AdminKey),
        };

    /// <summary>Provoked by <see cref="StatusMatrixTests.The_batching_routes_answer_503_without_their_store_and_429_after_wrong_keys"/>,
    /// on a server of its own: a Redis to kill, and a wrong-key limiter to exhaust.</summary>
    public static readonly IReadOnlyList<string> OnTheirOwnServer =
        ["UpdateBatching 429", "UpdateBatching 503", "ResetBatching 429", "ResetBatching 503"];

    /// <summary>Declared, and answered only when 20 compare-and-sets in a row lose to other changes of the same model
    /// (RedisBatchingConfigStore); no test can make that happen without reaching into the store.</summary>
    public static readonly IReadOnlyList<string> NotProvoked = ["UpdateBatching 409", "ResetBatching 409"];

    private static string OpenAi(string model, string input) => $$"""{"model": "{{model}}", "input": {{input}}}""";

    /// <summary>The simulated model's one runner held by a request, so the queue (room for 2) cannot take 3 more.</summary>
    private static async Task<HttpResponseMessage> WhileTheRunnerIsHeldAsync(KeyedApi api, Func<Task<HttpResponseMessage>> send)
    {
        var model = api.Factory.SimulatedModel;
        var started = model.StartedBatches;
        model.Hold();
        var holding = api.SendAsync(Post, $"/embed/{KeyedApi.Simulated}", $$"""{"inputs": "holds the runner {{Guid.NewGuid()}}"}""", ApiKey);
        try
        {
            await model.WaitForStartedAsync(started + 1).WaitAsync(TimeSpan.FromSeconds(30));
            return await send();
        }
        finally
        {
            model.Release();
            (await holding.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
        }
    }

    private static Task<HttpResponseMessage> WithTheNextBatchFailingAsync(KeyedApi api, Func<Task<HttpResponseMessage>> send)
    {
        api.Factory.SimulatedModel.FailNextBatches(1);
        return send();
    }
}
