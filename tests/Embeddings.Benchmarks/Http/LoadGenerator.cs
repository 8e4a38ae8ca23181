using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Embeddings.Benchmarks.Http;

/// <summary>How to load the server: <see cref="Clients"/> closed-loop clients (each sends, awaits the answer, sends
/// again), or, when <see cref="RatePerSecond"/> is set, a fixed arrival rate (open loop) whatever the answers take.
/// The run stops at <see cref="Duration"/> or after <see cref="MaxRequests"/> requests, whichever comes first. With
/// <see cref="CountRefusals"/>, a 429 is a refusal (a latency target's, expected), not an error.</summary>
public sealed record LoadSpec(int Clients, TimeSpan Duration, double? RatePerSecond = null, int? MaxRequests = null, bool CountRefusals = false)
{
    public override string ToString() => RatePerSecond is { } rate ? $"open loop {rate:0} req/s" : $"{Clients} clients";
}

/// <summary>What one load run saw. Each request carries <see cref="InputsPerRequest"/> corpus items (latencies are per
/// request, of those answered). <see cref="QueueTimesMs"/> are the server's own <c>x-queue-time</c> headers: how long
/// each request's slowest input waited for its batch. <see cref="Refused"/> counts the 429s a latency target sheds
/// (not errors), <see cref="RefusedWithoutRetryAfter"/> those of them that did not say when to retry.</summary>
public sealed record LoadResult(
    int Requests, int Errors, double Seconds, double[] LatenciesMs, double[] QueueTimesMs, string? FirstError, int InputsPerRequest = 1)
{
    public int Refused { get; init; }

    public int RefusedWithoutRetryAfter { get; init; }

    public int Succeeded => Requests - Errors - Refused;

    public double ItemsPerSecond => Seconds > 0 ? Succeeded * InputsPerRequest / Seconds : 0;

    /// <summary>Latency at quantile <paramref name="q"/> (0..1) in ms, nearest rank; NaN when nothing succeeded.</summary>
    public double Percentile(double q) => Stats.Percentile(LatenciesMs, q);
}

/// <summary>
/// Drives <c>POST /embed/{model}</c> with <paramref name="inputsPerRequest"/> consecutive corpus items per request
/// (<c>--inputs-per-request</c>, default 1), walking the corpus in its fixed order from the start on every run. Bodies
/// are serialised once up front so the client spends its CPU on HTTP, not on JSON. In open loop, latency counts from
/// the moment the request was due, so a server that falls behind is charged for it.
/// </summary>
public sealed class LoadGenerator(HttpClient client, string model, IReadOnlyList<string> corpus, int inputsPerRequest = 1)
{
    private readonly byte[][] _bodies = Enumerable.Range(0, corpus.Count)
        .Select(start => JsonSerializer.SerializeToUtf8Bytes(new { inputs = Enumerable.Range(start, inputsPerRequest).Select(i => corpus[i % corpus.Count]).ToArray() }))
        .ToArray();

    private readonly Uri _route = new($"embed/{Uri.EscapeDataString(model)}", UriKind.Relative);

    public async Task<LoadResult> RunAsync(LoadSpec spec, CancellationToken ct = default)
    {
        var latencies = new ConcurrentQueue<double>();
        var queueTimes = new ConcurrentQueue<double>();
        var errors = 0;
        var refused = 0;
        var refusedBare = 0;
        string? firstError = null;
        var sent = -1;
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(spec.Duration.TotalSeconds * Stopwatch.Frequency);
        var limit = spec.MaxRequests ?? int.MaxValue;

        async Task SendAsync(int index, long due)
        {
            var (error, queueMs, status, retryAfter) = await SendOneAsync(_bodies[index % _bodies.Length], ct).ConfigureAwait(false);
            if (status == HttpStatusCode.TooManyRequests && spec.CountRefusals)
            {
                Interlocked.Increment(ref refused);
                if (!retryAfter)
                {
                    Interlocked.Increment(ref refusedBare);
                }
            }
            else if (error is null)
            {
                latencies.Enqueue(Stopwatch.GetElapsedTime(due).TotalMilliseconds);
                queueTimes.Enqueue(queueMs);
            }
            else
            {
                Interlocked.Increment(ref errors);
                Interlocked.CompareExchange(ref firstError, error, null);
            }
        }

        if (spec.RatePerSecond is { } rate)
        {
            var inFlight = new List<Task>();
            for (var k = 0; k < limit; k++)
            {
                var due = started + (long)(k / rate * Stopwatch.Frequency);
                if (due >= end)
                {
                    break;
                }

                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ct).ConfigureAwait(false);
                }

                inFlight.Add(SendAsync(k * inputsPerRequest, due));
            }

            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }
        else
        {
            await Task.WhenAll(Enumerable.Range(0, spec.Clients).Select(_ => Task.Run(async () =>
            {
                int index;
                while (Stopwatch.GetTimestamp() < end && (index = Interlocked.Increment(ref sent)) < limit)
                {
                    await SendAsync(index * inputsPerRequest, Stopwatch.GetTimestamp()).ConfigureAwait(false);
                }
            }, ct))).ConfigureAwait(false);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var values = latencies.ToArray();
        return new LoadResult(values.Length + errors + refused, errors, seconds, values, [.. queueTimes], firstError, inputsPerRequest)
        {
            Refused = refused,
            RefusedWithoutRetryAfter = refusedBare,
        };
    }

    /// <summary>Sends one request; returns no error and the server's queue time on success, or what went wrong; and the
    /// status, with whether it said when to retry.</summary>
    private async Task<(string? Error, double QueueMs, HttpStatusCode? Status, bool RetryAfter)> SendOneAsync(byte[] body, CancellationToken ct)
    {
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync(_route, content, ct).ConfigureAwait(false);
            var answer = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode || answer.Length == 0)
            {
                return ($"{(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(answer.AsSpan(0, Math.Min(200, answer.Length)))}", 0,
                    response.StatusCode, response.Headers.RetryAfter is not null);
            }

            var queue = response.Headers.TryGetValues("x-queue-time", out var values)
                ? double.Parse(values.First(), System.Globalization.CultureInfo.InvariantCulture)
                : double.NaN;
            return (null, queue, response.StatusCode, false);
        }
        catch (HttpRequestException ex)
        {
            return (ex.InnerException is { } inner ? $"{ex.Message} ({inner.GetType().Name}: {inner.Message})" : ex.Message, 0, null, false);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            return ($"timeout: {ex.Message}", 0, null, false);
        }
    }
}
