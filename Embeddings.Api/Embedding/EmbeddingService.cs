using System.Diagnostics;
using Embeddings.Api.Cache;
using Embeddings.Api.Errors;
using Embeddings.Api.Metrics;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace Embeddings.Api.Embedding;

/// <summary>How the caller wants its inputs embedded.</summary>
public sealed record EmbedSettings(bool Truncate = true, bool? Normalize = null, string? Prompt = null);

/// <summary>The vectors for one request, in input order, with what they cost and how they were served.</summary>
/// <param name="CacheHits">Inputs this request did not compute: found in the cache (this replica's or Redis), or
/// computed for an identical input of another request at the same time.</param>
public sealed record EmbedOutcome(ModelDescriptor Model, IReadOnlyList<float[]> Vectors, int Tokens, int CacheHits, BatchTimings SlowestTimings);

/// <summary>
/// The request path both embedding routes share: validate, then look each distinct input up in the result cache
/// (HybridCache: this replica's memory, then Redis), all at once; the misses go to the model's queue, where the
/// engine batches them, and their vectors go back into the cache. Identical inputs in flight in this replica share
/// one computation (HybridCache's own); if it fails, all of them get its error, and none tries again.
/// </summary>
public sealed class EmbeddingService(
    HybridCache cache,
    BatchProcessor processor,
    ModelRegistry registry,
    ApiMetrics metrics,
    IOptions<ApiOptions> options)
{
    private readonly HybridCacheEntryOptions _entry = CacheExtensions.EntryOptions(options.Value);

    public async Task<EmbedOutcome> EmbedAsync(string modelId, IReadOnlyList<string>? texts, EmbedSettings settings, CancellationToken ct)
    {
        var model = registry.Get(modelId).Model.Descriptor;
        Validate(model, texts, settings);

        var normalize = settings.Normalize ?? model.Normalize;
        var lookups = new Dictionary<string, Lookup>(StringComparer.Ordinal);
        var perInput = new Lookup[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            var key = CacheKey.For(model, normalize, settings.Truncate, settings.Prompt, texts[i]);
            if (!lookups.TryGetValue(key, out var lookup))
            {
                lookups[key] = lookup = new Lookup(processor, model.Id, key, new ModelInput(texts[i], settings.Truncate, normalize, settings.Prompt));
            }

            perInput[i] = lookup;
        }

        // The first failure (a full queue, a failed model) answers the request at once: the other lookups stop
        // waiting, and an input that nobody else waits for leaves the queue without reaching the model.
        using var request = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var failure = new FirstFailure();
        await Task.WhenAll(lookups.Values.Select(l => l.RunAsync(cache, _entry, request, failure)));
        ct.ThrowIfCancellationRequested();
        failure.ThrowIfAny();

        var vectors = new float[perInput.Length][];
        var tokens = 0;
        var hits = 0;
        var slowest = default(BatchTimings);
        foreach (var (lookup, i) in perInput.Select((l, i) => (l, i)))
        {
            vectors[i] = lookup.Result!.Vector;
            tokens += lookup.Result.TokenCount;
            hits += lookup.Computed ? 0 : 1;
            slowest = Slowest(slowest, lookup.Timings);
        }

        metrics.CacheLookups(model.Id, hits, perInput.Length - hits);
        return new EmbedOutcome(model, vectors, tokens, hits, slowest);
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

        var maxChars = options.Value.MaxInputChars;
        for (var i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i]))
            {
                throw new InvalidInputException($"Input {i} is empty or whitespace; every input needs some text.");
            }

            if (texts[i].Length > maxChars)
            {
                throw RequestException.TooLarge($"Input {i} has {texts[i].Length} characters; the limit is {maxChars} (Embeddings:MaxInputChars).");
            }
        }

        model.PromptPrefix(settings.Prompt); // refuses an unknown prompt before any cache lookup
    }

    private static BatchTimings Slowest(BatchTimings a, BatchTimings b) => new(
        a.QueueTime > b.QueueTime ? a.QueueTime : b.QueueTime,
        a.InferenceTime > b.InferenceTime ? a.InferenceTime : b.InferenceTime,
        Math.Max(a.BatchSize, b.BatchSize));

    /// <summary>The first error among a request's lookups, kept with its stack trace.</summary>
    private sealed class FirstFailure
    {
        private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _first;

        public void Set(Exception error) =>
            Interlocked.CompareExchange(ref _first, System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error), null);

        public void ThrowIfAny() => Volatile.Read(ref _first)?.Throw();
    }

    /// <summary>One distinct input of a request: its cache key, and, once looked up, its vector and whether this
    /// request computed it (then with the timings of its batch).</summary>
    private sealed class Lookup(BatchProcessor processor, string model, string key, ModelInput input)
    {
        /// <summary>The request's span: HybridCache runs the computation in a flow of its own, so it is carried here.</summary>
        private readonly Activity? _caller = Activity.Current;

        public CachedEmbedding? Result { get; private set; }

        public bool Computed { get; private set; }

        public BatchTimings Timings { get; private set; }

        public async Task RunAsync(HybridCache cache, HybridCacheEntryOptions entry, CancellationTokenSource request, FirstFailure failure)
        {
            try
            {
                Result = await cache.GetOrCreateAsync(key, this, static async (self, token) => await self.ComputeAsync(token), entry, tags: null, request.Token);
            }
            catch (Exception ex) when (!request.IsCancellationRequested)
            {
                failure.Set(ex);
                await request.CancelAsync();
            }
            catch (Exception) when (request.IsCancellationRequested)
            {
                // Another lookup failed first, or the caller left: the request is answered with that.
            }
        }

        private async ValueTask<CachedEmbedding> ComputeAsync(CancellationToken ct)
        {
            // Queued under the request's span, so the batch links to the request (the flow is this computation's own).
            var previous = Activity.Current;
            Activity.Current = _caller;
            var submitted = processor.SubmitAsync(model, input, ct);
            Activity.Current = previous;
            var embedding = await submitted;
            Computed = true;
            Timings = embedding.Timings;
            return new CachedEmbedding(embedding.Vector, embedding.TokenCount);
        }
    }
}
