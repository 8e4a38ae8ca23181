using System.Diagnostics;
using Embeddings.Core.Models;

namespace Embeddings.Testing;

/// <summary>
/// A deterministic stand-in for a real model, for tests and load tests.
/// <list type="bullet">
/// <item>Tokenizes by whitespace: each word is one token (a stable hash of the word), plus [CLS] and [SEP].</item>
/// <item>The vector of an input depends only on its token ids (<see cref="VectorFor"/>), so every caller's answer is checkable.</item>
/// <item>A batch costs <see cref="SimulatedModelOptions.CostPerBatch"/> plus <see cref="SimulatedModelOptions.CostPerPaddedToken"/>
/// per padded token, spent sleeping on the calling (runner) thread: it models an accelerator, not CPU work.</item>
/// <item>Records every batch it ran (<see cref="Batches"/>), the most batches it ran at once, and can fail chosen batches.</item>
/// <item><see cref="Hold"/>/<see cref="Release"/> gate: while held, batches start (and are counted) but do not finish,
/// so tests can prove overlap without sleeping; <see cref="WaitForStartedAsync"/> awaits started batches.</item>
/// </list>
/// </summary>
public sealed class SimulatedEmbeddingModel : IEmbeddingModel
{
    public const int ClsId = 101;
    public const int SepId = 102;

    private readonly SimulatedModelOptions _options;
    private readonly ManualResetEventSlim _gate = new(initialState: true);
    private readonly Lock _lock = new();
    private readonly List<SimulatedBatch> _batches = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _startWaiters = [];
    private int _started;
    private int _running;
    private int _maxRunning;
    private int _failNext;
    private long _embeddedInputs;

    public SimulatedEmbeddingModel(SimulatedModelOptions? options = null)
    {
        _options = options ?? new SimulatedModelOptions();
        Descriptor = new ModelDescriptor(
            _options.Id, _options.Dimensions, _options.MaxTokens, PoolingMode.Mean, _options.Normalize, "simulated", _options.Prompts);
    }

    public ModelDescriptor Descriptor { get; }

    /// <summary>Batches finished so far, in finishing order.</summary>
    public IReadOnlyList<SimulatedBatch> Batches
    {
        get
        {
            lock (_lock)
            {
                return [.. _batches];
            }
        }
    }

    /// <summary>Batches that entered <see cref="Embed"/> so far.</summary>
    public int StartedBatches => Volatile.Read(ref _started);

    /// <summary>Batches inside <see cref="Embed"/> now.</summary>
    public int RunningBatches => Volatile.Read(ref _running);

    /// <summary>The most batches that were inside <see cref="Embed"/> at once.</summary>
    public int MaxConcurrentBatchesSeen => Volatile.Read(ref _maxRunning);

    /// <summary>Inputs embedded so far (successful batches only).</summary>
    public long EmbeddedInputs => Interlocked.Read(ref _embeddedInputs);

    /// <summary>Makes the next <paramref name="count"/> batches throw.</summary>
    public void FailNextBatches(int count = 1) => Interlocked.Add(ref _failNext, count);

    /// <summary>Batches that start from now on wait inside <see cref="Embed"/> until <see cref="Release"/>.</summary>
    public void Hold() => _gate.Reset();

    /// <summary>Lets held and future batches run.</summary>
    public void Release() => _gate.Set();

    /// <summary>Completes once at least <paramref name="count"/> batches have entered <see cref="Embed"/>.</summary>
    public Task WaitForStartedAsync(int count)
    {
        lock (_lock)
        {
            if (_started >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _startWaiters.Add((count, signal));
            return signal.Task;
        }
    }

    public TokenizedInput Tokenize(string text, bool truncate)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            throw new InvalidInputException("Input text is empty.");
        }

        var tokens = words.Length + 2;
        if (tokens > _options.MaxTokens)
        {
            if (!truncate)
            {
                throw new InputTooLongException(_options.Id, tokens, _options.MaxTokens);
            }

            tokens = _options.MaxTokens;
        }

        var ids = new int[tokens];
        ids[0] = ClsId;
        for (var i = 1; i < tokens - 1; i++)
        {
            ids[i] = WordId(words[i - 1]);
        }

        ids[^1] = SepId;
        return new TokenizedInput(ids, Truncated: tokens < words.Length + 2);
    }

    public float[][] Embed(IReadOnlyList<TokenizedInput> batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var start = Stopwatch.GetTimestamp();
        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxRunning, running);
        _options.Running?.Enter();
        SignalStarted();
        var failed = false;
        try
        {
            _gate.Wait(ct);
            Spend(batch, ct);
            if (TryTakeFailure())
            {
                failed = true;
                throw new InvalidOperationException("Simulated model failure.");
            }

            var vectors = new float[batch.Count][];
            for (var i = 0; i < vectors.Length; i++)
            {
                vectors[i] = VectorFor(batch[i].Ids, _options.Dimensions);
            }

            Interlocked.Add(ref _embeddedInputs, batch.Count);
            return vectors;
        }
        finally
        {
            _options.Running?.Exit();
            Interlocked.Decrement(ref _running);
            lock (_lock)
            {
                _batches.Add(new SimulatedBatch(_batches.Count, [.. batch.Select(b => b.Count)], start, Stopwatch.GetTimestamp(), failed));
            }
        }
    }

    /// <summary>The (not normalised) vector this model returns for these token ids: a SplitMix64 stream
    /// seeded by an FNV-1a hash of the ids, mapped to [-1, 1).</summary>
    public static float[] VectorFor(IReadOnlyList<int> ids, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var seed = 14695981039346656037UL;
        foreach (var id in ids)
        {
            seed = (seed ^ (uint)id) * 1099511628211UL;
        }

        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            seed += 0x9E3779B97F4A7C15UL;
            var z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            vector[i] = (float)(((z >> 40) / (double)(1UL << 24) * 2) - 1);
        }

        return vector;
    }

    /// <summary>What the engine should answer for <paramref name="text"/>: tokenized, embedded, normalised if asked.</summary>
    public float[] ExpectedVector(string text, bool normalize)
    {
        var vector = VectorFor(Tokenize(text, truncate: true).Ids, _options.Dimensions);
        if (normalize)
        {
            VectorMath.L2Normalize(vector);
        }

        return vector;
    }

    public void Dispose() => _gate.Dispose();

    private static int WordId(string word)
    {
        var hash = 2166136261u;
        foreach (var c in word)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return 1000 + (int)(hash % 29000u);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private void Spend(IReadOnlyList<TokenizedInput> batch, CancellationToken ct)
    {
        var longest = batch.Count == 0 ? 0 : batch.Max(b => b.Count);
        var cost = _options.CostPerBatch + (_options.CostPerPaddedToken * ((long)longest * batch.Count));
        if (cost > TimeSpan.Zero && _options.Spend is { } spend)
        {
            spend(cost);
        }
        else if (cost > TimeSpan.Zero)
        {
            ct.WaitHandle.WaitOne(cost); // the run's cost, cut short as a real run is when its token is cancelled
            ct.ThrowIfCancellationRequested();
        }
    }

    private bool TryTakeFailure()
    {
        var left = Volatile.Read(ref _failNext);
        while (left > 0)
        {
            var seen = Interlocked.CompareExchange(ref _failNext, left - 1, left);
            if (seen == left)
            {
                return true;
            }

            left = seen;
        }

        return false;
    }

    private void SignalStarted()
    {
        List<TaskCompletionSource>? ready = null;
        lock (_lock)
        {
            _started++;
            for (var i = _startWaiters.Count - 1; i >= 0; i--)
            {
                if (_startWaiters[i].Count <= _started)
                {
                    (ready ??= []).Add(_startWaiters[i].Signal);
                    _startWaiters.RemoveAt(i);
                }
            }
        }

        ready?.ForEach(s => s.TrySetResult());
    }
}
