using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;

namespace Embeddings.Api.Config;

/// <summary>Batching options kept in this process only (no Redis configured): a change applies to this replica alone.</summary>
public sealed class InMemoryBatchingConfigStore(BatchProcessor processor, ModelRegistry registry, TimeProvider time) : IBatchingConfigStore
{
    public const string StoreName = "memory";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, BatchingConfigInfo> _versions = new(StringComparer.OrdinalIgnoreCase);

    public BatchingConfigInfo Describe(string model)
    {
        lock (_gate)
        {
            return _versions.GetValueOrDefault(model) ?? new BatchingConfigInfo(0, null, null, StoreName);
        }
    }

    public Task<BatchingState> UpdateAsync(string model, BatchingPatch patch, string updatedBy, CancellationToken ct)
    {
        // Read-modify-write under a lock, so two concurrent partial updates both land.
        lock (_gate)
        {
            return Task.FromResult(Apply(model, patch.ApplyTo(processor.GetOptions(model)), updatedBy));
        }
    }

    public Task<BatchingState> ResetAsync(string model, string updatedBy, CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult(Apply(model, registry.Get(model).Batching, updatedBy));
        }
    }

    private BatchingState Apply(string model, BatchingOptions options, string updatedBy)
    {
        var applied = processor.UpdateOptions(model, options);
        var info = new BatchingConfigInfo(Describe(model).Version + 1, time.GetUtcNow(), updatedBy, StoreName);
        _versions[model] = info;
        return new BatchingState(applied, info);
    }
}
