// Compiled at test time with the client Kiota generates from the served document (GeneratedClientFixture), not by
// the test project's build: the types under Embeddings.Generated exist only then.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Embeddings.Api.Tests.Contract;
using Embeddings.Generated;
using Embeddings.Generated.Models;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using Xunit;

namespace Embeddings.Api.Tests.Contract.ClientCalls;

/// <summary>Every route, through the generated client, as a user of it would write it. Kiota's retry handler is left
/// out, so a 429 or 503 reaches the call as it came; every answer passes through the <see cref="ConformanceHandler"/>.</summary>
public sealed class GeneratedClientCalls(Uri server, string adminKey, string model, DocumentConformance conformance) : IGeneratedClientCalls
{
    private readonly EmbeddingsClient _anonymous = Client(server, new AnonymousAuthenticationProvider(), conformance);
    private readonly EmbeddingsClient _admin = Client(server, new BaseBearerTokenAuthenticationProvider(new StaticKey(adminKey)), conformance);

    public async Task EmbedAsync()
    {
        var headers = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
        var one = await _anonymous.Embed[model].PostAsync(
            new EmbedRequest { Inputs = new EmbedRequest.EmbedRequest_inputs { EmbedRequestInputsString = "The cat sits on the mat." } },
            config => config.Options.Add(headers));
        var two = await _anonymous.Embed[model].PostAsync(new EmbedRequest
        {
            Inputs = new EmbedRequest.EmbedRequest_inputs { String = ["The cat sits on the mat.", "A kitten rests on a rug."] },
            Normalize = true,
        });

        Assert.Equal(model, one!.Model);
        Assert.Equal(384, one.Dimensions);
        var vectors = Vectors(one.Embeddings);
        Assert.Single(vectors);
        Assert.Equal(384, vectors[0].Length);
        Assert.InRange(one.Usage!.Tokens!.Value, 3, 20);
        // The timing headers the document declares reach a Kiota user through its headers inspection (0 when cached).
        Assert.True(int.TryParse(headers.ResponseHeaders["x-batch-size"].Single(), CultureInfo.InvariantCulture, out _));
        Assert.True(double.TryParse(headers.ResponseHeaders["x-queue-time"].Single(), CultureInfo.InvariantCulture, out _));

        var pair = Vectors(two!.Embeddings);
        Assert.Equal(2, pair.Length);
        Assert.Equal(vectors[0], pair[0], (a, b) => Math.Abs(a - b) < 1e-4);
        Assert.InRange(Math.Sqrt(pair[1].Sum(x => x * x)), 0.9999, 1.0001);
    }

    public async Task EmbedWithUnknownModelAsync()
    {
        var problem = await Assert.ThrowsAsync<ProblemDetails>(() => _anonymous.Embed["no-such-model"].PostAsync(
            new EmbedRequest { Inputs = new EmbedRequest.EmbedRequest_inputs { EmbedRequestInputsString = "text" } }));

        Assert.Equal(404, problem.ResponseStatusCode);
        Assert.Equal(404, problem.Status);
        Assert.Equal("Unknown model", problem.Title);
        Assert.Contains("no-such-model", problem.Detail, StringComparison.Ordinal);
    }

    public async Task OpenAiEmbeddingsAsync()
    {
        var floats = await _anonymous.V1.Embeddings.PostAsync(new OpenAiEmbeddingRequest
        {
            Model = model,
            Input = new OpenAiEmbeddingRequest.OpenAiEmbeddingRequest_input { OpenAiEmbeddingRequestInputString = "how do batteries store energy" },
        });
        var base64 = await _anonymous.V1.Embeddings.PostAsync(new OpenAiEmbeddingRequest
        {
            Model = model,
            Input = new OpenAiEmbeddingRequest.OpenAiEmbeddingRequest_input { String = ["how do batteries store energy"] },
            EncodingFormat = "base64",
        });

        Assert.Equal("list", floats!.Object);
        Assert.Equal(model, floats.Model);
        var vector = floats.Data!.Single().Embedding!.Float!.Select(x => x!.Value).ToArray();
        Assert.Equal(384, vector.Length);
        Assert.Equal(floats.Usage!.PromptTokens, floats.Usage.TotalTokens);
        var decoded = Convert.FromBase64String(base64!.Data!.Single().Embedding!.String!);
        var fromBase64 = Enumerable.Range(0, decoded.Length / 4).Select(i => BitConverter.ToSingle(decoded, i * 4)).ToArray();
        Assert.Equal(vector, fromBase64, (a, b) => Math.Abs(a - b) < 1e-4);
    }

    public async Task ModelsAsync()
    {
        var all = await _anonymous.Models.GetAsync();
        var one = await _anonymous.Models[model].GetAsync();

        Assert.Contains(all!, m => m.Id == model);
        Assert.Equal(model, one!.Id);
        Assert.Equal(384, one.Dimensions);
        Assert.InRange(one.Batching!.MaxBatchSize!.Value, 1, 4096);
        Assert.NotNull(one.Config!.Store);
        Assert.NotNull(one.Stats);
    }

    public async Task StatsAsync()
    {
        var stats = await _anonymous.Stats.GetAsync();

        Assert.NotNull(stats!.At);
        Assert.NotEmpty(stats.Replicas!);
        Assert.NotNull(stats.Total);
    }

    public async Task ChangeBatchingWithAdminKeyAsync()
    {
        var before = await _anonymous.Models[model].GetAsync();
        var changed = await _admin.Models[model].Batching.PutAsync(
            new BatchingPatch { MaxBatchSize = 7, MaxWaitMs = 3 },
            config => config.Headers.Add("x-updated-by", "generated client"));
        var reset = await _admin.Models[model].Batching.DeleteAsync();

        Assert.Equal(7, changed!.Batching!.MaxBatchSize);
        Assert.Equal(3, changed.Batching.MaxWaitMs);
        Assert.Equal("generated client", changed.Config!.UpdatedBy);
        Assert.True(changed.Config.Version > before!.Config!.Version);
        Assert.Equal(before.Batching!.MaxBatchSize, reset!.Batching!.MaxBatchSize);
        Assert.True(reset.Config!.Version > changed.Config.Version);
    }

    public async Task ChangeBatchingWithoutKeyAsync()
    {
        var before = await _anonymous.Models[model].GetAsync();
        var problem = await Assert.ThrowsAsync<ProblemDetails>(
            () => _anonymous.Models[model].Batching.PutAsync(new BatchingPatch { MaxBatchSize = 5 }));
        var after = await _anonymous.Models[model].GetAsync();

        Assert.Equal(401, problem.ResponseStatusCode);
        Assert.Equal(401, problem.Status);
        Assert.Equal("Unauthorized", problem.Title);
        Assert.Contains("Authorization: Bearer", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(before!.Config!.Version, after!.Config!.Version);
    }

    /// <summary>Kiota has no type for an array of arrays, so it hands the vectors over as untyped JSON.</summary>
    private static float[][] Vectors(UntypedNode? embeddings) =>
        [.. Assert.IsType<UntypedArray>(embeddings).GetValue()
            .Select(vector => Assert.IsType<UntypedArray>(vector).GetValue()
                .Select(x => Convert.ToSingle(x.GetValue(), CultureInfo.InvariantCulture)).ToArray())];

    private static EmbeddingsClient Client(Uri server, IAuthenticationProvider authentication, DocumentConformance conformance)
    {
        var handlers = KiotaClientFactory.CreateDefaultHandlers().Where(handler => handler is not RetryHandler).ToList();
        var http = KiotaClientFactory.Create(handlers, new ConformanceHandler(conformance));
        http.Timeout = TimeSpan.FromSeconds(30);
        return new EmbeddingsClient(new HttpClientRequestAdapter(authentication, httpClient: http) { BaseUrl = server.ToString().TrimEnd('/') });
    }

    /// <summary>The admin key as the bearer token, on any host (Kiota's own providers are for OAuth over HTTPS).</summary>
    private sealed class StaticKey(string key) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new([]);

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(key);
    }
}
