using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;

namespace Embeddings.Api.Tests;

/// <summary>
/// Closed-loop load on one or more endpoints until stopped: each client sends one embed request of a text of its own
/// (so every request goes through the cache and the queue), waits for the answer, and sends the next. Every outcome is
/// kept: the status, or what went wrong ("refused", "reset", "timeout").
/// </summary>
public sealed class ReplicaLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _outcomes = new();
    private readonly Task[] _clients;
    private readonly Lock _lock = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private int _answered;

    public ReplicaLoad(IReadOnlyList<HttpClient> endpoints, int clients, string model = ApiFactory.MiniLm)
    {
        _clients = [.. Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(endpoints[c % endpoints.Count], c, model)))];
    }

    public ReplicaLoad(IReadOnlyList<Replica> replicas, int clients)
        : this([.. replicas.Select(r => r.Client)], clients)
    {
    }

    /// <summary>Requests answered so far, whatever the answer.</summary>
    public int Answered => Volatile.Read(ref _answered);

    /// <summary>Completes once <paramref name="count"/> requests have been answered; fails after <paramref name="limit"/>.</summary>
    public Task AnsweredAsync(int count, TimeSpan limit)
    {
        lock (_lock)
        {
            if (_answered >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task.WaitAsync(limit);
        }
    }

    /// <summary>Stops sending, waits for the requests in flight, and returns every outcome.</summary>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients).WaitAsync(TimeSpan.FromSeconds(60));
        return [.. _outcomes];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private async Task ClientAsync(HttpClient client, int id, string model)
    {
        var route = new Uri($"/embed/{model}", UriKind.Relative);
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"load from client {id}, request {n}: {Guid.NewGuid()}");
            _outcomes.Enqueue(await SendAsync(client, route, text));
            Reached(Interlocked.Increment(ref _answered));
        }
    }

    private static async Task<string> SendAsync(HttpClient client, Uri route, string text)
    {
        try
        {
            using var response = await client.PostAsync(route, Json.Body(new { inputs = text }));
            await response.Content.ReadAsByteArrayAsync();
            return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return "refused";
        }
        catch (HttpRequestException ex)
        {
            return $"error ({ex.Message} {ex.InnerException?.Message})";
        }
        catch (TaskCanceledException)
        {
            return "timeout";
        }
    }

    private void Reached(int answered)
    {
        List<TaskCompletionSource> reached = [];
        lock (_lock)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Count <= answered)
                {
                    reached.Add(_waiters[i].Reached);
                    _waiters.RemoveAt(i);
                }
            }
        }

        reached.ForEach(r => r.TrySetResult());
    }
}
