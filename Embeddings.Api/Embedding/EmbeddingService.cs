using Embeddings.Api.Cache;
using Embeddings.Api.Errors;
using Embeddings.Api.Metrics;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Microsoft.Extensions.Options;

namespace Embeddings.Api.Embedding;

/// <summary>How the caller wants its inputs embedded.</summary>
public sealed record EmbedSettings(bool Truncate = true, bool? Normalize = null, string? Prompt = null);

/// <summary>The vectors for one request, in input order, with what they cost and how they were served.</summary>
public sealed record EmbedOutcome(ModelDescriptor Model, IReadOnlyList<float[]> Vectors, int Tokens, BatchTimings SlowestTimings);

/// <summary>
/// The request path both embedding routes share: validate, answer cache hits, compute each distinct miss once
/// (sharing inputs other requests are computing already), then cache the new vectors.
/// </summary>
public sealed class EmbeddingService(
    SharedComputations computations,
    ModelRegistry registry,
    IEmbeddingCache cache,
    ApiMetrics metrics,
    IOptions<ApiOptions> options)
{
    public async Task<EmbedOutcome> EmbedAsync(string modelId, IReadOnlyList<string>? texts, EmbedSettings settings, CancellationToken ct)
    {
        var model = registry.Get(modelId).Model.Descriptor;
        Validate(model, texts, settings);

        var normalize = settings.Normalize ?? model.Normalize;
        var keys = new string[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            keys[i] = CacheKey.For(model, normalize, settings.Truncate, settings.Prompt, texts[i]);
        }

        var found = await cache.GetManyAsync(keys, ct);

        // Each distinct missing text is computed once, however often the request repeats it.
        var missIndexByKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var misses = new List<(string Key, ModelInput Input)>();
        for (var i = 0; i < keys.Length; i++)
        {
            if (found[i] is null && missIndexByKey.TryAdd(keys[i], misses.Count))
            {
                misses.Add((keys[i], new ModelInput(texts[i], settings.Truncate, normalize, settings.Prompt)));
            }
        }

        metrics.CacheLookups(model.Id, hits: keys.Length - CountMisses(found), misses: CountMisses(found));

        var slowest = default(BatchTimings);
        if (misses.Count > 0)
        {
            var computed = await computations.ComputeAsync(model.Id, misses, ct);
            var newEntries = new List<KeyValuePair<string, CachedEmbedding>>(computed.Length);
            foreach (var (key, index) in missIndexByKey)
            {
                newEntries.Add(new(key, new CachedEmbedding(computed[index].Vector, computed[index].TokenCount)));
                slowest = Slowest(slowest, computed[index].Timings);
            }

            for (var i = 0; i < keys.Length; i++)
            {
                if (found[i] is null)
                {
                    var embedding = computed[missIndexByKey[keys[i]]];
                    found[i] = new CachedEmbedding(embedding.Vector, embedding.TokenCount);
                }
            }

            await cache.SetManyAsync(newEntries, CancellationToken.None);
        }

        var vectors = new float[found.Length][];
        var tokens = 0;
        for (var i = 0; i < found.Length; i++)
        {
            vectors[i] = found[i]!.Vector;
            tokens += found[i]!.TokenCount;
        }

        return new EmbedOutcome(model, vectors, tokens, slowest);
    }

    private void Validate(ModelDescriptor model, [System.Diagnostics.CodeAnalysis.NotNull] IReadOnlyList<string>? texts, EmbedSettings settings)
    {
        if (texts is null || texts.Count == 0)
        {
            throw RequestException.BadRequest("No input: send a non-empty string or a non-empty array of strings.");
        }

        var limit = options.Value.MaxClientBatch;
        if (texts.Count > limit)
        {
            throw RequestException.TooLarge($"The request has {texts.Count} inputs; the limit is {limit} (Embeddings:MaxClientBatch).");
        }

        for (var i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i]))
            {
                throw new InvalidInputException($"Input {i} is empty or whitespace; every input needs some text.");
            }
        }

        model.PromptPrefix(settings.Prompt); // refuses an unknown prompt before any cache lookup
    }

    private static int CountMisses(CachedEmbedding?[] found) => found.Count(entry => entry is null);

    private static BatchTimings Slowest(BatchTimings a, BatchTimings b) => new(
        a.QueueTime > b.QueueTime ? a.QueueTime : b.QueueTime,
        a.InferenceTime > b.InferenceTime ? a.InferenceTime : b.InferenceTime,
        Math.Max(a.BatchSize, b.BatchSize));
}
