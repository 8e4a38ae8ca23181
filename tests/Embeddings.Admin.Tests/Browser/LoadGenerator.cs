using System.Net.Http.Json;

namespace Embeddings.Admin.Tests.Browser;

/// <summary>
/// Keeps a model busy while the browser looks: a few closed-loop clients, each sending small batches of English
/// sentences of mixed lengths. Most inputs are new (a counter makes them unique); one in four is a repeat, so the cache
/// hit ratio is not zero either. Stops, and waits for its clients, on dispose.
/// </summary>
public sealed class LoadGenerator : IAsyncDisposable
{
    private static readonly string[] Sentences =
    [
        "The cat sits on the mat.",
        "How do batteries store energy for later use in a small device?",
        "Dynamic batching groups requests that arrive close together so that one model call serves many of them at once.",
        "A kitten rests on a rug.",
        "Padding wastes work: the shortest input in a batch is computed as long as the longest one, so batches are chosen by length.",
        "Where is the nearest train station?",
    ];

    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;
    private long _sent;
    private long _failed;

    public LoadGenerator(HttpClient api, string model, int clients)
    {
        _clients = [.. Enumerable.Range(0, clients).Select(client => RunAsync(api, model, client, _stop.Token))];
    }

    public long Sent => Interlocked.Read(ref _sent);

    public long Failed => Interlocked.Read(ref _failed);

    private async Task RunAsync(HttpClient api, string model, int client, CancellationToken ct)
    {
        var round = 0;
        while (!ct.IsCancellationRequested)
        {
            round++;
            var inputs = Enumerable.Range(0, 4)
                .Select(i => (round + i) % 4 == 0
                    ? Sentences[i]
                    : $"{Sentences[(round + i + client) % Sentences.Length]} (client {client}, request {round}, item {i})")
                .ToArray();
            try
            {
                using var response = await api.PostAsJsonAsync(new Uri($"/embed/{model}", UriKind.Relative), new { inputs }, ct);
                Interlocked.Increment(ref response.IsSuccessStatusCode ? ref _sent : ref _failed);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref _failed);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients).WaitAsync(TimeSpan.FromSeconds(30));
        _stop.Dispose();
    }
}
