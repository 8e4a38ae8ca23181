using System.Diagnostics.CodeAnalysis;
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
/// <param name="CacheHits">Inputs this request did not compute: found in the cache (this replica's or Redis), or
/// computed for an identical input of another request at the same time.</param>
public sealed record EmbedOutcome(ModelDescriptor Model, IReadOnlyList<float[]> Vectors, int Tokens, int CacheHits, BatchTimings SlowestTimings);

/// <summary>A request's answer: its vectors, or the error that refuses it (a value to answer with, never thrown).</summary>
public readonly record struct EmbedResult(EmbedOutcome? Outcome, Exception? Error)
{
    public static implicit operator EmbedResult(EmbedOutcome outcome) => new(outcome, null);

    public static EmbedResult Refused(Exception error) => new(null, error);
}

/// <summary>
/// The request path both embedding routes share, one step each, once per request: check the request (and decide its
/// prompt prefix and normalisation), look every distinct input up in the cache at once, join identical inputs that
/// other requests are computing, and hand the rest to the engine in one all-or-nothing call. Refusals (a bad input,
/// a full queue, shutting down, a failed model) come back as values.
/// </summary>
public sealed class EmbeddingService(
    EmbeddingCache cache, SharedComputations shared, BatchProcessor processor, ApiMetrics metrics, IOptions<ApiOptions> options)
{
    public async Task<EmbedResult> EmbedAsync(ModelDescriptor model, IReadOnlyList<string>? texts, EmbedSettings settings, CancellationToken ct)
    {
        if (!TryCheck(model, texts, settings, out var prefix, out var invalid))
        {
            return EmbedResult.Refused(invalid);
        }

        var normalize = settings.Normalize ?? model.Normalize; // the one place a request's default is decided
        var (keys, keyOfInput, firstInput) = DistinctKeys(model, texts, normalize, settings);
        var cached = await cache.GetAsync(keys, ct);

        // Every input the cache did not have joins its computation; this request runs those it starts, in one call.
        var computations = new SharedComputations.Computation?[keys.Length];
        var owned = new List<int>();
        for (var k = 0; k < keys.Length; k++)
        {
            if (cached[k] is null)
            {
                computations[k] = shared.Join(keys[k], out var mine);
                if (mine)
                {
                    owned.Add(k);
                }
            }
        }

        var waited = computations.OfType<SharedComputations.Computation>().ToList();
        var inputs = owned.Select(k => new ModelInput(prefix + texts[firstInput[k]], settings.Truncate, normalize)).ToList();
        var run = RunAsync(model, inputs, [.. owned.Select(k => (keys[k], computations[k]!))]);

        await ((Task)Task.WhenAll(waited.Select(c => c.Answer))).WaitAsync(ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (ct.IsCancellationRequested)
        {
            waited.ForEach(c => c.Leave()); // the caller left: what nobody else waits for leaves the queue
            ct.ThrowIfCancellationRequested();
        }
        if (waited.Select(c => c.Answer.Exception?.InnerException).FirstOrDefault(e => e is not null) is { } failed)
        {
            return EmbedResult.Refused(failed);
        }

        var ownedKeys = owned.ToHashSet();
        var vectors = new float[texts.Count][];
        var tokens = 0;
        var hits = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            var k = keyOfInput[i];
            var answer = cached[k] ?? await computations[k]!.Answer;
            vectors[i] = answer.Vector;
            tokens += answer.TokenCount;
            hits += ownedKeys.Contains(k) ? 0 : 1;
        }

        metrics.CacheLookups(model.Id, hits, texts.Count - hits);
        return new EmbedOutcome(model, vectors, tokens, hits, await run);
    }

    /// <summary>The request's distinct cache keys, which of them each input has, and the first input of each.</summary>
    private static (string[] Keys, int[] KeyOfInput, int[] FirstInput) DistinctKeys(
        ModelDescriptor model, IReadOnlyList<string> texts, bool normalize, EmbedSettings settings)
    {
        var index = new Dictionary<string, int>(texts.Count, StringComparer.Ordinal);
        var keys = new List<string>(texts.Count);
        var first = new List<int>(texts.Count);
        var keyOfInput = new int[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            var key = CacheKey.For(model, normalize, settings.Truncate, settings.Prompt, texts[i]);
            if (!index.TryGetValue(key, out var k))
            {
                index[key] = k = keys.Count;
                keys.Add(key);
                first.Add(i);
            }

            keyOfInput[i] = k;
        }

        return ([.. keys], keyOfInput, [.. first]);
    }

    /// <summary>
    /// Hands the inputs this request started to the engine in one all-or-nothing call, then answers their computations
    /// (everyone waiting for them) and keeps the vectors in the cache. It goes on if the request leaves, for whoever
    /// else waits. Returns the slowest computed input's timings. Never throws: whatever goes wrong is every waiter's answer.
    /// </summary>
    private async Task<BatchTimings> RunAsync(
        ModelDescriptor model, List<ModelInput> inputs, (string Key, SharedComputations.Computation Computation)[] started)
    {
        if (started.Length == 0)
        {
            return default;
        }

        try
        {
            var admission = processor.Submit(model.Id, inputs, [.. started.Select(s => s.Computation.Abandoned)]);
            if (admission.Refusal is { } refused)
            {
                Array.ForEach(started, s => s.Computation.Fail(refused));
                return default;
            }

            var answers = admission.Answers!;
            await ((Task)Task.WhenAll(answers)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var computed = new List<(string, CachedEmbedding)>(answers.Length);
            var slowest = default(BatchTimings);
            for (var i = 0; i < answers.Length; i++)
            {
                started[i].Computation.Complete(answers[i]);
                if (answers[i].IsCompletedSuccessfully)
                {
                    var answer = await answers[i];
                    computed.Add((started[i].Key, new CachedEmbedding(answer.Vector, answer.TokenCount)));
                    slowest = Slowest(slowest, answer.Timings);
                }
            }

            cache.Set(computed);
            return slowest;
        }
        catch (Exception bug)
        {
            Array.ForEach(started, s => s.Computation.Fail(bug)); // already answered ones keep their answer
            return default;
        }
    }

    private static BatchTimings Slowest(BatchTimings a, BatchTimings b) => new(
        a.QueueTime > b.QueueTime ? a.QueueTime : b.QueueTime,
        a.InferenceTime > b.InferenceTime ? a.InferenceTime : b.InferenceTime,
        Math.Max(a.BatchSize, b.BatchSize));

    /// <summary>Every rule a request must meet, checked once: some inputs and not too many, each with some text and not
    /// too long, and a prompt the model knows (whose prefix it gives).</summary>
    private bool TryCheck(
        ModelDescriptor model,
        [NotNullWhen(true)] IReadOnlyList<string>? texts,
        EmbedSettings settings,
        out string prefix,
        [NotNullWhen(false)] out Exception? invalid)
    {
        prefix = "";
        invalid = null;
        if (texts is null || texts.Count == 0)
        {
            invalid = RequestException.BadRequest("No input: send a non-empty string or a non-empty array of strings.");
            return false;
        }

        var limit = options.Value.MaxClientBatch;
        if (texts.Count > limit)
        {
            invalid = RequestException.TooLarge($"The request has {texts.Count} inputs; the limit is {limit} (Embeddings:MaxClientBatch).");
            return false;
        }

        var maxChars = options.Value.MaxInputChars;
        for (var i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i]))
            {
                invalid = new InvalidInputException($"Input {i} is empty or whitespace; every input needs some text.");
                return false;
            }

            if (texts[i].Length > maxChars)
            {
                invalid = RequestException.TooLarge($"Input {i} has {texts[i].Length} characters; the limit is {maxChars} (Embeddings:MaxInputChars).");
                return false;
            }
        }

        if (!model.TryGetPromptPrefix(settings.Prompt, out prefix, out var unknown))
        {
            invalid = unknown;
            return false;
        }

        return true;
    }
}
