using StackExchange.Redis;

namespace Embeddings.Api.Redis;

/// <summary>
/// The one place that decides what a failed Redis call means. Every call of ours to Redis (config, stats, cache,
/// health) goes through it, and three failures are one: a <see cref="RedisException"/>, a <see cref="TimeoutException"/>
/// (StackExchange.Redis's RedisTimeoutException is one, not a RedisException) and a call cancelled by anything but its
/// caller's token all mean "Redis is unavailable". That is never thrown at the caller, who gets no answer instead.
/// <para>
/// The guard remembers a failure until a call succeeds again, so a stall (a paused or forking Redis, where the
/// connection stays up but nothing answers) shows on /health as Degraded while it lasts, and ends by itself. Calls
/// given a budget return at its end; the call itself goes on, and how it ends still counts.
/// </para>
/// </summary>
public sealed partial class RedisGuard(IConnectionMultiplexer redis, TimeProvider time, ILogger<RedisGuard> logger)
{
    private readonly Lock _lock = new();
    private long? _failingSince;
    private string? _failure;

    public IConnectionMultiplexer Connection => redis;

    /// <summary>Connected, and the last call ended well: what a request may count on before it spends its budget.</summary>
    public bool IsAvailable => redis.IsConnected && !IsFailing;

    /// <summary>A call failed and none has succeeded since.</summary>
    public bool IsFailing
    {
        get
        {
            lock (_lock)
            {
                return _failingSince is not null;
            }
        }
    }

    /// <summary>Why Redis counts as unavailable now (null when it does not).</summary>
    public string? Trouble
    {
        get
        {
            if (!redis.IsConnected)
            {
                return "Redis is unreachable (not connected).";
            }

            lock (_lock)
            {
                return _failingSince is { } since
                    ? $"Redis stopped answering {time.GetElapsedTime(since).TotalSeconds:0.#} s ago ({_failure})."
                    : null;
            }
        }
    }

    /// <summary>Assemblies of the Redis client and its socket pipes: an exception they throw is the connection failing.</summary>
    private static readonly HashSet<string> ClientAssemblies = ["StackExchange.Redis", "Pipelines.Sockets.Unofficial", "System.IO.Pipelines"];

    /// <summary>Whether <paramref name="error"/> means Redis is unavailable, rather than that the caller gave up or our own
    /// code failed. Besides its own exceptions, the client can fail a pending call with whatever its IO layer threw when a
    /// connection was torn down (an <see cref="InvalidOperationException"/> from its pipe: StackExchange.Redis issue 3085).</summary>
    public static bool IsUnavailable(Exception error, CancellationToken callerToken) =>
        error is RedisException or TimeoutException
        || (error is OperationCanceledException && !callerToken.IsCancellationRequested)
        || (error.TargetSite?.DeclaringType?.Assembly.GetName().Name is { } thrownIn && ClientAssemblies.Contains(thrownIn));

    /// <summary>Runs one call. Its value, or <see cref="RedisAnswer{T}.None"/> when Redis is unavailable (not connected,
    /// or the call failed) or the call outlived <paramref name="budget"/>. Only <paramref name="ct"/> throws.</summary>
    public async Task<RedisAnswer<T>> TryAsync<T>(Func<IDatabase, Task<T>> call, CancellationToken ct, TimeSpan? budget = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!redis.IsConnected)
        {
            return RedisAnswer<T>.None; // a call now would only fail at once (FailFast backlog)
        }

        Task<T> pending;
        try
        {
            pending = call(redis.GetDatabase());
        }
        catch (Exception ex) when (IsUnavailable(ex, ct))
        {
            Failed(ex);
            return RedisAnswer<T>.None;
        }

        try
        {
            var value = await (budget is { } limit ? pending.WaitAsync(limit, time, ct) : pending.WaitAsync(ct)).ConfigureAwait(false);
            Succeeded();
            return new RedisAnswer<T>(true, value);
        }
        catch (Exception ex) when (IsUnavailable(ex, ct))
        {
            if (pending.IsCompleted)
            {
                Failed(ex);
            }
            else
            {
                Observe(pending); // past the budget: slow is not failed, so let the call's own end say which it was
            }

            return RedisAnswer<T>.None;
        }
        catch (OperationCanceledException)
        {
            Observe(pending);
            throw;
        }
    }

    /// <summary>Runs one call whose only answer is whether it ran.</summary>
    public async Task<bool> TryAsync(Func<IDatabase, Task> call, CancellationToken ct, TimeSpan? budget = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        var answer = await TryAsync(async db =>
        {
            await call(db).ConfigureAwait(false);
            return true;
        }, ct, budget).ConfigureAwait(false);
        return answer.HasValue;
    }

    /// <summary>Starts a call nobody waits for (a cache write): it never blocks the caller, and how it ends counts.</summary>
    public void Forget(Func<IDatabase, Task> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!redis.IsConnected)
        {
            return;
        }

        _ = TryAsync(call, CancellationToken.None);
    }

    /// <summary>Asks Redis whether it answers, within <paramref name="budget"/>: how a failing guard finds out that a stall is over.</summary>
    public async Task<bool> PingAsync(TimeSpan budget, CancellationToken ct) => (await TryAsync(db => db.PingAsync(), ct, budget)).HasValue;

    private void Observe(Task pending) => pending.ContinueWith(
        static (task, state) =>
        {
            var guard = (RedisGuard)state!;
            if (task.Exception?.InnerException is { } error)
            {
                guard.Failed(error);
            }
            else if (task.IsCompletedSuccessfully)
            {
                guard.Succeeded();
            }
        },
        this,
        CancellationToken.None,
        TaskContinuationOptions.ExecuteSynchronously,
        TaskScheduler.Default);

    private void Failed(Exception error)
    {
        bool first;
        lock (_lock)
        {
            first = _failingSince is null;
            _failingSince ??= time.GetTimestamp();
            _failure = $"{error.GetType().Name}: {error.Message}";
        }

        if (first)
        {
            LogUnavailable(logger, error);
        }
    }

    private void Succeeded()
    {
        long? since;
        lock (_lock)
        {
            since = _failingSince;
            _failingSince = null;
            _failure = null;
        }

        if (since is { } start)
        {
            LogAvailable(logger, time.GetElapsedTime(start).TotalSeconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable; serving goes on without it (config as last known, cache misses, local stats) until it answers again.")]
    private static partial void LogUnavailable(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis answers again after {Seconds:0.#} s.")]
    private static partial void LogAvailable(ILogger logger, double seconds);
}

/// <summary>What a guarded Redis call gave: a value, or none because Redis was unavailable or too slow.</summary>
public readonly record struct RedisAnswer<T>(bool HasValue, T? Value)
{
    public static RedisAnswer<T> None => default;
}
