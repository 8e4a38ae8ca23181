using Embeddings.Api.Hosting;
using Embeddings.Api.Redis;
using Embeddings.Testing;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Embeddings.Api.Tests;

/// <summary>What keeps one fault from ending a replica: background loops go on, and Redis's failures are one kind.</summary>
public sealed class BackgroundLoopTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_loop_whose_rounds_fail_logs_once_goes_on_and_says_when_it_works_again_and_only_stopping_ends_it()
    {
        using var logs = new ListLoggerFactory();
        var logger = logs.CreateLogger("test");
        using var stop = new CancellationTokenSource();
        var rounds = 0;
        var worked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Exception[] failures = [new TimeoutException("Redis stalled"), new OperationCanceledException("a call cancelled by someone else"),
            new RedisConnectionException(ConnectionFailureType.SocketFailure, "gone"), new InvalidOperationException("a bug")];

        var loop = BackgroundLoop.RunAsync("test loop", TimeSpan.FromMilliseconds(1), _ =>
        {
            var round = rounds++;
            if (round < failures.Length)
            {
                throw failures[round];
            }

            worked.TrySetResult();
            return Task.CompletedTask;
        }, TimeProvider.System, logger, stop.Token);
        await worked.Task.WaitAsync(Guard);
        await stop.CancelAsync();
        await loop.WaitAsync(Guard); // ends without throwing

        Assert.Single(logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("'test loop' failed", StringComparison.Ordinal));
        Assert.Single(logs.Entries, e => e.Message.Contains("'test loop' works again after 4 failed rounds", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_way_a_Redis_call_fails_means_unavailable_but_the_caller_s_own_cancellation_does_not()
    {
        using var callerLeft = new CancellationTokenSource();
        callerLeft.Cancel();

        Assert.True(RedisGuard.IsUnavailable(new RedisTimeoutException("Timeout awaiting response", CommandStatus.Sent), CancellationToken.None));
        Assert.True(RedisGuard.IsUnavailable(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "refused"), CancellationToken.None));
        Assert.True(RedisGuard.IsUnavailable(new TimeoutException("past the budget"), CancellationToken.None));
        Assert.True(RedisGuard.IsUnavailable(new TaskCanceledException("cancelled inside the client"), CancellationToken.None));
        Assert.False(RedisGuard.IsUnavailable(new OperationCanceledException(callerLeft.Token), callerLeft.Token));
        Assert.False(RedisGuard.IsUnavailable(new InvalidOperationException("a bug"), CancellationToken.None));
        Assert.False(RedisGuard.IsUnavailable(Thrown(() => throw new InvalidOperationException("a bug of ours")), CancellationToken.None));

        // What the client's reader threw into pending calls when a stall tore its connection down (CI saw it as a 500).
        var pipe = new System.IO.Pipelines.Pipe();
        pipe.Reader.Complete();
        var torn = Thrown(() => pipe.Reader.AdvanceTo(default));
        Assert.IsType<InvalidOperationException>(torn);
        Assert.True(RedisGuard.IsUnavailable(torn, CancellationToken.None));
    }

    private static Exception Thrown(Action action) => Assert.ThrowsAny<Exception>(action);

    [Fact]
    public async Task A_failed_fire_and_forget_task_is_logged()
    {
        using var logs = new ListLoggerFactory();
        var failed = Task.FromException(new InvalidOperationException("nobody awaited me"));

        failed.LogFailures(logs.CreateLogger("test"), "a message handler");

        await Eventually.TrueAsync(() => Task.FromResult(logs.Entries.Any(e => e.Message.Contains("'a message handler' failed", StringComparison.Ordinal))),
            Guard, "the failure to be logged");
    }
}
