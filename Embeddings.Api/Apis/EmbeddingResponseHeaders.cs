using System.Globalization;
using Embeddings.Api.Embedding;

namespace Embeddings.Api.Apis;

/// <summary>
/// <c>x-cache-hits</c> (inputs served from the cache), and <c>x-queue-time</c> and <c>x-inference-time</c> (ms) and
/// <c>x-batch-size</c> (items): for a request with several inputs, the slowest computed input's figures; all zero when
/// the cache answered everything.
/// </summary>
public static class EmbeddingResponseHeaders
{
    public static void Write(HttpResponse response, EmbedOutcome outcome)
    {
        var timings = outcome.SlowestTimings;
        response.Headers["x-cache-hits"] = outcome.CacheHits.ToString(CultureInfo.InvariantCulture);
        response.Headers["x-queue-time"] = timings.QueueTime.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        response.Headers["x-inference-time"] = timings.InferenceTime.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        response.Headers["x-batch-size"] = timings.BatchSize.ToString(CultureInfo.InvariantCulture);
    }
}
