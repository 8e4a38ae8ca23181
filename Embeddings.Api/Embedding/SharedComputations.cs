using System.Collections.Concurrent;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;

namespace Embeddings.Api.Embedding;

/// <summary>
/// Computes cache misses through the model's batch queue. An input that another request is already computing
/// (same cache key) is awaited instead of queued again, so a burst of identical texts costs one inference.
/// If that computation fails, every waiter gets the same error rather than trying again (no retry storm on a
/// failing model); if its owner was cancelled, the waiter computes the input itself, since one caller leaving
/// is no answer for another.
/// </summary>
public sealed class SharedComputations(BatchProcessor processor)
{
    private readonly ConcurrentDictionary<string, Task<ModelEmbedding>> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Returns one embedding per miss, in order. Keys must be distinct.</summary>
    public async Task<ModelEmbedding[]> ComputeAsync(string model, IReadOnlyList<(string Key, ModelInput Input)> misses, CancellationToken ct)
    {
        var shared = new Task<ModelEmbedding>[misses.Count];
        var owned = new List<(int Index, TaskCompletionSource<ModelEmbedding> Result)>();
        for (var i = 0; i < misses.Count; i++)
        {
            var result = new TaskCompletionSource<ModelEmbedding>(TaskCreationOptions.RunContinuationsAsynchronously);
            shared[i] = _inFlight.GetOrAdd(misses[i].Key, result.Task);
            if (shared[i] == result.Task)
            {
                owned.Add((i, result));
            }
        }

        var embeddings = new ModelEmbedding[misses.Count];
        if (owned.Count > 0)
        {
            await ComputeOwnedAsync(model, misses, owned, embeddings, ct);
        }

        for (var i = 0; i < misses.Count; i++)
        {
            embeddings[i] ??= await AwaitOtherAsync(model, misses[i].Input, shared[i], ct);
        }

        return embeddings;
    }

    private async Task ComputeOwnedAsync(
        string model,
        IReadOnlyList<(string Key, ModelInput Input)> misses,
        List<(int Index, TaskCompletionSource<ModelEmbedding> Result)> owned,
        ModelEmbedding[] embeddings,
        CancellationToken ct)
    {
        try
        {
            var computed = await processor.SubmitBatchAsync(model, [.. owned.Select(o => misses[o.Index].Input)], ct);
            for (var j = 0; j < owned.Count; j++)
            {
                embeddings[owned[j].Index] = computed[j];
                owned[j].Result.SetResult(computed[j]);
            }
        }
        catch (Exception ex)
        {
            foreach (var (_, result) in owned)
            {
                if (ex is OperationCanceledException)
                {
                    result.SetCanceled(CancellationToken.None);
                }
                else
                {
                    result.SetException(ex);
                    _ = result.Task.Exception; // observed here; waiters rethrow it
                }
            }

            throw;
        }
        finally
        {
            foreach (var (index, result) in owned)
            {
                _inFlight.TryRemove(new KeyValuePair<string, Task<ModelEmbedding>>(misses[index].Key, result.Task));
            }
        }
    }

    private async Task<ModelEmbedding> AwaitOtherAsync(string model, ModelInput input, Task<ModelEmbedding> other, CancellationToken ct)
    {
        try
        {
            return await other.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (other.IsCanceled && !ct.IsCancellationRequested)
        {
            return await processor.SubmitAsync(model, input, ct); // the owner left; this caller still wants it
        }
    }
}
