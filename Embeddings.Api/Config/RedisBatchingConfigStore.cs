using System.Globalization;
using Embeddings.Api.Contracts;
using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using StackExchange.Redis;

namespace Embeddings.Api.Config;

/// <summary>
/// Redis is the source of truth for batching options, shared by every replica. Each model's stored changes live in
/// the hash <c>embeddings:config:{model}</c> (only the options that were set, over the configured defaults) with a
/// version, when and by whom. A change is validated, written with a new version and published on
/// <c>embeddings:config</c> in one Lua script; every replica applies it on the message. Replicas also load every
/// model's config at start, after every reconnect and every few seconds, and only ever move to a higher version, so a
/// message missed while Redis was away is not lost. If Redis lost its data (a restart without persistence), the
/// replicas write back the newest version they hold.
/// </summary>
public sealed partial class RedisBatchingConfigStore(
    IConnectionMultiplexer redis, BatchProcessor processor, ModelRegistry registry, TimeProvider time, ILogger<RedisBatchingConfigStore> logger)
    : BackgroundService, IBatchingConfigStore
{
    public const string StoreName = "redis";
    public const string Channel = "embeddings:config";

    /// <summary>How often every model's stored version is compared with the applied one, besides the messages.</summary>
    public static readonly TimeSpan ResyncInterval = TimeSpan.FromSeconds(5);

    // Stores the set fields, raises the version above both the stored one and the writer's, stamps it, publishes.
    private static readonly LuaScript Write = LuaScript.Prepare("""
        local current = tonumber(redis.call('HGET', @key, 'version') or '0')
        local version = math.max(current, tonumber(@seen)) + 1
        if @reset == '1' then redis.call('DEL', @key) end
        local fields = cjson.decode(@fields)
        for name, value in pairs(fields) do redis.call('HSET', @key, name, value) end
        redis.call('HSET', @key, 'version', version, 'updatedAt', @at, 'updatedBy', @by)
        redis.call('PUBLISH', @channel, @model)
        return version
        """);

    // Puts a replica's newer config back into a Redis that lost it; a no-op if Redis holds this version or a newer one.
    private static readonly LuaScript Reseed = LuaScript.Prepare("""
        local current = tonumber(redis.call('HGET', @key, 'version') or '0')
        if current >= tonumber(@version) then return 0 end
        redis.call('DEL', @key)
        local fields = cjson.decode(@fields)
        for name, value in pairs(fields) do redis.call('HSET', @key, name, value) end
        redis.call('HSET', @key, 'version', @version, 'updatedAt', @at, 'updatedBy', @by)
        redis.call('PUBLISH', @channel, @model)
        return 1
        """);

    private readonly SemaphoreSlim _sync = new(1, 1); // one load or change at a time, so versions only rise
    private readonly Dictionary<string, Applied> _applied = new(StringComparer.OrdinalIgnoreCase);
    private volatile bool _subscribed;
    private bool _failing;

    public static RedisKey Key(string model) => $"embeddings:config:{model}";

    public BatchingConfigInfo Describe(string model)
    {
        lock (_applied)
        {
            var applied = _applied.GetValueOrDefault(model);
            return new BatchingConfigInfo(applied?.Version ?? 0, applied?.At, applied?.By, StoreName);
        }
    }

    public Task<BatchingState> UpdateAsync(string model, BatchingPatch patch, string updatedBy, CancellationToken ct) =>
        ChangeAsync(model, patch, reset: false, updatedBy, ct);

    public Task<BatchingState> ResetAsync(string model, string updatedBy, CancellationToken ct) =>
        ChangeAsync(model, new BatchingPatch(), reset: true, updatedBy, ct);

    /// <summary>Loads the stored config before the app serves its first request.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await SyncAllAsync(cancellationToken);
        redis.ConnectionRestored += (_, _) => _ = SyncAllAsync(CancellationToken.None);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ResyncInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await SyncAllAsync(stoppingToken);
        }
    }

    private async Task<BatchingState> ChangeAsync(string model, BatchingPatch patch, bool reset, string updatedBy, CancellationToken ct)
    {
        await _sync.WaitAsync(ct);
        try
        {
            var stored = await ReadAsync(model);
            var fields = reset ? patch : stored.Fields.Then(patch);
            fields.ApplyTo(registry.Get(model).Batching).EnsureValid(); // refused before anything is stored
            await redis.GetDatabase().ScriptEvaluateAsync(Write, new
            {
                key = Key(model),
                seen = Math.Max(stored.Version, Describe(model).Version),
                reset = reset ? "1" : "0",
                fields = Json(fields),
                at = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
                by = updatedBy,
                channel = Channel,
                model,
            });
            await ApplyAsync(model, await ReadAsync(model));
            return new BatchingState(processor.GetOptions(model), Describe(model));
        }
        catch (RedisException ex)
        {
            throw new ConfigStoreUnavailableException(ex);
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>Subscribes if it has not yet, then brings every model to the version Redis holds (or gives Redis back
    /// a newer one it lost). Never throws: an unreachable Redis is logged once, when it starts failing.</summary>
    private async Task SyncAllAsync(CancellationToken ct)
    {
        await _sync.WaitAsync(ct);
        try
        {
            if (!_subscribed)
            {
                await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(Channel), (channel, model) => _ = SyncOneAsync(model.ToString()));
                _subscribed = true;
            }

            foreach (var model in processor.Models)
            {
                await ApplyAsync(model, await ReadAsync(model));
            }

            if (_failing)
            {
                _failing = false;
                LogResumed(logger);
            }
        }
        catch (RedisException ex)
        {
            if (!_failing)
            {
                _failing = true;
                LogUnreachable(logger, ex);
            }
        }
        finally
        {
            _sync.Release();
        }
    }

    private async Task SyncOneAsync(string model)
    {
        if (!registry.TryGet(model, out _))
        {
            return; // a model this replica does not serve
        }

        await _sync.WaitAsync();
        try
        {
            await ApplyAsync(model, await ReadAsync(model));
        }
        catch (RedisException ex)
        {
            LogSyncFailed(logger, ex, model);
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>Applies what Redis holds if it is newer than what runs; gives it back to Redis if Redis holds less.</summary>
    private async Task ApplyAsync(string model, Stored stored)
    {
        var current = Describe(model);
        if (stored.Version > current.Version)
        {
            try
            {
                processor.UpdateOptions(model, stored.Fields.ApplyTo(registry.Get(model).Batching));
            }
            catch (InvalidOptionsException ex)
            {
                LogInvalid(logger, model, stored.Version, ex.Message); // someone wrote around the API: keep what runs
            }

            lock (_applied)
            {
                _applied[model] = new Applied(stored.Version, stored.At, stored.By, stored.Fields);
            }
        }
        else if (stored.Version < current.Version && _applied.GetValueOrDefault(model) is { } mine)
        {
            await redis.GetDatabase().ScriptEvaluateAsync(Reseed, new
            {
                key = Key(model),
                version = mine.Version,
                fields = Json(mine.Fields),
                at = (mine.At ?? time.GetUtcNow()).ToString("O", CultureInfo.InvariantCulture),
                by = mine.By ?? "",
                channel = Channel,
                model,
            });
            LogReseeded(logger, model, mine.Version);
        }
    }

    private async Task<Stored> ReadAsync(string model)
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(Key(model));
        var meta = entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
        long.TryParse(meta.GetValueOrDefault(BatchingFields.Version), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version);
        DateTimeOffset? at = DateTimeOffset.TryParse(meta.GetValueOrDefault(BatchingFields.UpdatedAt), CultureInfo.InvariantCulture,
            DateTimeStyles.RoundtripKind, out var parsed) ? parsed : null;
        return new Stored(BatchingFields.FromEntries(entries), version, at, meta.GetValueOrDefault(BatchingFields.UpdatedBy));
    }

    private static string Json(BatchingPatch fields) =>
        System.Text.Json.JsonSerializer.Serialize(
            BatchingFields.ToEntries(fields).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString()),
            ApiJsonContext.Default.DictionaryStringString);

    private sealed record Stored(BatchingPatch Fields, long Version, DateTimeOffset? At, string? By);

    private sealed record Applied(long Version, DateTimeOffset? At, string? By, BatchingPatch Fields);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unreachable: batching config runs on the last known values (or the configured defaults) until it is back.")]
    private static partial void LogUnreachable(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis is reachable again: batching config is in sync.")]
    private static partial void LogResumed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load the batching config of model {Model} after a change message; the periodic sync will retry.")]
    private static partial void LogSyncFailed(ILogger logger, Exception error, string model);

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis holds batching config version {Version} for model {Model} that is not valid ({Reason}); keeping the options that run.")]
    private static partial void LogInvalid(ILogger logger, string model, long version, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis had lost the batching config of model {Model}; wrote back version {Version} from this replica.")]
    private static partial void LogReseeded(ILogger logger, string model, long version);
}

/// <summary>The shared config store (Redis) cannot be reached, so a change cannot be stored for every replica.</summary>
public sealed class ConfigStoreUnavailableException(Exception inner)
    : Exception("Redis is unreachable, so the change was not stored; it would not reach the other replicas. Try again once Redis is back.", inner);
