using System.Globalization;
using Embeddings.Api.Hosting;
using Embeddings.Api.Redis;
using Embeddings.Api.Requests;
using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using StackExchange.Redis;

namespace Embeddings.Api.Config;

/// <summary>
/// Redis is the source of truth for batching options, shared by every replica. Each model's stored changes live in
/// the hash <c>embeddings:config:{model}</c> (only the options that were set, over the configured defaults) with a
/// version, an epoch (a random id given when the hash is first written), when and by whom.
/// <list type="bullet">
/// <item>A change is one compare-and-set script: it checks that the stored version and epoch are still those the change
/// was validated against, writes only the fields in the patch, raises the version by one and publishes it on
/// <c>embeddings:config</c>. On a conflict (another change landed in between) the change is read, validated and tried
/// again, so two changes to different fields both hold, and two to one field end with the later.</item>
/// <item>Every replica applies a stored version on the message, at start, after every reconnect and every second,
/// only moving up, and records a version as applied only once it runs it. A stored version that is not valid
/// (written around the API) is logged once, not applied, and shown by <see cref="Describe"/>.</item>
/// <item>Redis that lost what a replica runs gets it back from that replica before any change is accepted on top:
/// an empty hash, or an older version of the same epoch (an old snapshot), is overwritten with the replica's config.
/// A hash of another epoch holds changes made since Redis lost its data (by a replica that knew nothing older): they
/// are laid over the replica's config (or stand alone, if they began with a reset), under a version above both.</item>
/// </list>
/// Redis being unavailable is <see cref="RedisGuard"/>'s business: syncing waits for it, and a change is refused.
/// </summary>
public sealed partial class RedisBatchingConfigStore(
    RedisGuard redis, BatchProcessor processor, ModelRegistry registry, TimeProvider time, ILogger<RedisBatchingConfigStore> logger)
    : BackgroundService, IBatchingConfigStore
{
    public const string StoreName = "redis";
    public const string Channel = "embeddings:config";

    /// <summary>How often every model's stored version is compared with the applied one, besides the messages.</summary>
    public static readonly TimeSpan ResyncInterval = TimeSpan.FromSeconds(1);

    /// <summary>The longest the start waits for Redis's config; then it serves the defaults and syncs in the background.</summary>
    public static readonly TimeSpan StartBudget = TimeSpan.FromSeconds(1);

    /// <summary>Conflicting changes landing in between, in a row, before one change gives up.</summary>
    private const int MaxAttempts = 20;

    // Compare and set: only if the stored version and epoch are still @expected and @expectedEpoch. 'patch' lays the
    // fields over what is stored; 'whole' replaces everything with them (a reset, or a config written back). Returns
    // the new version, or -1 on a conflict.
    private static readonly LuaScript CompareAndSet = LuaScript.Prepare("""
        local current = tonumber(redis.call('HGET', @key, 'version') or '0')
        local epoch = redis.call('HGET', @key, 'epoch') or ''
        if current ~= tonumber(@expected) or epoch ~= @expectedEpoch then return -1 end
        if @mode == 'whole' then
            redis.call('DEL', @key)
            redis.call('HSET', @key, 'whole', '1')
        end
        for name, value in pairs(cjson.decode(@fields)) do redis.call('HSET', @key, name, value) end
        redis.call('HSET', @key, 'version', @version, 'epoch', @epoch, 'updatedAt', @at, 'updatedBy', @by)
        redis.call('PUBLISH', @channel, @model)
        return tonumber(@version)
        """);

    private readonly SemaphoreSlim _sync = new(1, 1); // one load or change at a time in this replica, so versions only rise
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Stored> _applied = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, RejectedConfig> _rejected = new(StringComparer.OrdinalIgnoreCase);
    private volatile bool _subscribed;

    public static RedisKey Key(string model) => $"embeddings:config:{model}";

    public BatchingConfigInfo Describe(string model)
    {
        lock (_lock)
        {
            var applied = _applied.GetValueOrDefault(model);
            return new BatchingConfigInfo(applied?.Version ?? 0, applied?.At, applied?.By, StoreName, _rejected.GetValueOrDefault(model));
        }
    }

    public Task<BatchingState> UpdateAsync(string model, BatchingPatch patch, string updatedBy, CancellationToken ct) =>
        ChangeAsync(model, patch, reset: false, updatedBy, ct);

    public Task<BatchingState> ResetAsync(string model, string updatedBy, CancellationToken ct) =>
        ChangeAsync(model, BatchingPatch.Empty, reset: true, updatedBy, ct);

    /// <summary>Loads the stored config before the app serves, if Redis answers within <see cref="StartBudget"/>;
    /// otherwise the app starts on the configured defaults and the sync finishes in the background.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.Connection.ConnectionRestored += (_, _) => SyncAllAsync(CancellationToken.None).LogFailures(logger, "batching config sync after a reconnect");
        var first = SyncAllAsync(CancellationToken.None);
        try
        {
            await first.WaitAsync(StartBudget, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            LogStartingOnDefaults(logger, StartBudget.TotalSeconds);
            first.LogFailures(logger, "the first batching config sync");
        }

        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BackgroundLoop.RunAsync("batching config sync", ResyncInterval, SyncAllAsync, time, logger, stoppingToken);

    private async Task<BatchingState> ChangeAsync(string model, BatchingPatch patch, bool reset, string updatedBy, CancellationToken ct)
    {
        await _sync.WaitAsync(ct);
        try
        {
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var stored = await ReadAsync(model, ct) ?? throw new ConfigStoreUnavailableException();
                if (NeedsWriteBack(stored, Applied(model)))
                {
                    await WriteBackAsync(model, stored, Applied(model)!, ct); // Redis lost what this replica runs: give it back first
                    continue;
                }

                if (stored.Errors.Count > 0 && !reset)
                {
                    throw new InvalidOptionsException(
                        $"Redis holds batching fields that cannot be read ({string.Join(" ", stored.Errors)}); reset the model's batching (DELETE) to clear them.");
                }

                // What Redis will hold if nothing moved meanwhile: validated before anything is stored.
                var next = new Stored(
                    reset ? BatchingPatch.Empty : stored.Fields.Then(patch),
                    stored.Version + 1,
                    stored.Version == 0 ? NewEpoch() : stored.Epoch,
                    time.GetUtcNow(),
                    updatedBy,
                    reset || stored.Whole,
                    []);
                next.Fields.ApplyTo(registry.Get(model).Batching).EnsureValid();
                var written = await CompareAndSetAsync(model, stored, next, reset ? "whole" : "patch", reset ? next.Fields : patch, ct)
                    ?? throw new ConfigStoreUnavailableException();
                if (written)
                {
                    await ApplyAsync(model, next, ct);
                    return new BatchingState(processor.GetOptions(model), Describe(model));
                }
            }

            throw new ConfigConflictException(MaxAttempts);
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>Subscribes if it has not yet, then brings every model to the version Redis holds (or gives Redis back
    /// a newer one it lost). While Redis is unavailable it does nothing; the next round tries again.</summary>
    private async Task SyncAllAsync(CancellationToken ct)
    {
        await _sync.WaitAsync(ct);
        try
        {
            if (!_subscribed)
            {
                _subscribed = await redis.TryAsync(
                    _ => redis.Connection.GetSubscriber().SubscribeAsync(
                        RedisChannel.Literal(Channel), (_, model) => SyncOneAsync(model.ToString()).LogFailures(logger, "a batching config message")),
                    ct);
            }

            foreach (var model in processor.Models)
            {
                if (await ReadAsync(model, ct) is { } stored)
                {
                    await ApplyAsync(model, stored, ct);
                }
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
            if (await ReadAsync(model, CancellationToken.None) is { } stored)
            {
                await ApplyAsync(model, stored, CancellationToken.None);
            }
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>Applies what Redis holds if it is newer than what runs (and valid); gives it back to Redis if Redis lost it.</summary>
    private async Task ApplyAsync(string model, Stored stored, CancellationToken ct)
    {
        var mine = Applied(model);
        if (NeedsWriteBack(stored, mine))
        {
            await WriteBackAsync(model, stored, mine!, ct);
        }
        else if (stored.Version > (mine?.Version ?? 0))
        {
            var errors = stored.Errors.ToList();
            var options = stored.Fields.ApplyTo(registry.Get(model).Batching);
            errors.AddRange(options.Validate());
            if (errors.Count > 0)
            {
                Reject(model, stored.Version, string.Join(" ", errors)); // someone wrote around the API: keep what runs
                return;
            }

            processor.UpdateOptions(model, options);
            lock (_lock)
            {
                _applied[model] = stored;
                _rejected.Remove(model);
            }
        }
    }

    /// <summary>Whether Redis lost what this replica runs: it holds nothing, an older version of the same epoch, or
    /// another epoch that is not a whole newer config (changes made since the loss, to lay over this replica's).</summary>
    private static bool NeedsWriteBack(Stored stored, Stored? mine) => mine is { Version: > 0 } && (stored.Epoch == mine.Epoch
        ? stored.Version < mine.Version
        : !(stored.Whole && stored.Version > mine.Version));

    /// <summary>
    /// Puts this replica's config back into a Redis that lost it (see <see cref="NeedsWriteBack"/>), in one compare and
    /// set: into an empty hash or over an older version as it was; under changes made since the loss (another epoch)
    /// merged, those changes on top, with a version above both. A conflict means someone else wrote meanwhile: whoever
    /// reads next looks again.
    /// </summary>
    private async Task WriteBackAsync(string model, Stored stored, Stored mine, CancellationToken ct)
    {
        var sinceLoss = stored.Version > 0 && stored.Epoch != mine.Epoch;
        var next = sinceLoss
            ? stored with
            {
                Fields = stored.Whole ? stored.Fields : mine.Fields.Then(stored.Fields),
                Version = Math.Max(stored.Version, mine.Version) + 1,
                Whole = true,
            }
            : mine with { Whole = true };
        if (await CompareAndSetAsync(model, stored, next, "whole", next.Fields, ct) == true)
        {
            LogWrittenBack(logger, model, stored.Version, next.Version, sinceLoss);
        }
    }

    /// <summary>Writes <paramref name="next"/> if Redis still holds <paramref name="stored"/>'s version and epoch: true
    /// when written, false on a conflict, null when Redis is unavailable.</summary>
    private async Task<bool?> CompareAndSetAsync(string model, Stored stored, Stored next, string mode, BatchingPatch fields, CancellationToken ct)
    {
        var result = await redis.TryAsync(db => db.ScriptEvaluateAsync(CompareAndSet, new
        {
            key = Key(model),
            expected = stored.Version,
            expectedEpoch = stored.Epoch,
            version = next.Version,
            epoch = next.Epoch,
            mode,
            fields = Json(fields),
            at = (next.At ?? time.GetUtcNow()).ToString("O", CultureInfo.InvariantCulture),
            by = next.By ?? "",
            channel = Channel,
            model,
        }), ct);
        return result.HasValue ? (long)result.Value! >= 0 : null;
    }

    /// <summary>What Redis holds for the model (version 0 when nothing), or null when Redis is unavailable.</summary>
    private async Task<Stored?> ReadAsync(string model, CancellationToken ct)
    {
        var read = await redis.TryAsync(db => db.HashGetAllAsync(Key(model)), ct);
        if (!read.HasValue)
        {
            return null;
        }

        var entries = read.Value!;
        var meta = entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
        long.TryParse(meta.GetValueOrDefault(BatchingFields.Version), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version);
        DateTimeOffset? at = DateTimeOffset.TryParse(meta.GetValueOrDefault(BatchingFields.UpdatedAt), CultureInfo.InvariantCulture,
            DateTimeStyles.RoundtripKind, out var parsed) ? parsed : null;
        var errors = new List<string>();
        var fields = BatchingFields.FromEntries(entries, errors);
        return new Stored(fields, version, meta.GetValueOrDefault(BatchingFields.Epoch) ?? "", at, meta.GetValueOrDefault(BatchingFields.UpdatedBy),
            meta.ContainsKey(BatchingFields.Whole), errors);
    }

    private Stored? Applied(string model)
    {
        lock (_lock)
        {
            return _applied.GetValueOrDefault(model);
        }
    }

    private void Reject(string model, long version, string reason)
    {
        lock (_lock)
        {
            if (_rejected.GetValueOrDefault(model)?.Version == version)
            {
                return; // logged once
            }

            _rejected[model] = new RejectedConfig(version, reason);
        }

        LogInvalid(logger, model, version, reason);
    }

    private static string NewEpoch() => Guid.NewGuid().ToString("N");

    private static string Json(BatchingPatch fields) =>
        System.Text.Json.JsonSerializer.Serialize(
            BatchingFields.ToEntries(fields).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString()),
            ApiJsonContext.Default.DictionaryStringString);

    /// <summary>One stored version: its options (the fields set over the defaults), its epoch, whether the fields are
    /// whole (a reset or a write-back) rather than only what changed since Redis was last empty, and fields that could
    /// not be read.</summary>
    private sealed record Stored(
        BatchingPatch Fields, long Version, string Epoch, DateTimeOffset? At, string? By, bool Whole, IReadOnlyList<string> Errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis did not answer within {Seconds} s at start: serving on the configured batching options until the config loads.")]
    private static partial void LogStartingOnDefaults(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis holds batching config version {Version} for model {Model} that is not valid ({Reason}); keeping the options that run.")]
    private static partial void LogInvalid(ILogger logger, string model, long version, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis had lost the batching config of model {Model} (it held version {Stored}); wrote back version {Version} from this replica (with changes made since the loss laid over it: {SinceLoss}).")]
    private static partial void LogWrittenBack(ILogger logger, string model, long stored, long version, bool sinceLoss);
}

/// <summary>The shared config store (Redis) cannot be reached, so a change cannot be stored for every replica.</summary>
public sealed class ConfigStoreUnavailableException()
    : Exception("Redis is unavailable, so the change was not stored; it would not reach the other replicas. Try again once Redis is back.");

/// <summary>Other changes kept landing between reading the stored config and writing this change.</summary>
public sealed class ConfigConflictException(int attempts)
    : Exception($"Other changes to this model's batching landed {attempts} times in a row while this one was being written; read it again and retry.");
