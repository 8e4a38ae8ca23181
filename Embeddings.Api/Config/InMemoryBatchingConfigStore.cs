using Embeddings.Api.Contracts;
using Embeddings.Core.Batching;

namespace Embeddings.Api.Config;

/// <summary>Batching options kept in this process only (no Redis): an update applies to this replica at once.</summary>
public sealed class InMemoryBatchingConfigStore(BatchProcessor processor) : IBatchingConfigStore
{
    private readonly Lock _gate = new();

    public Task<BatchingOptions> UpdateAsync(string model, BatchingPatch patch, CancellationToken ct)
    {
        // Read-modify-write under a lock, so two concurrent partial updates both land.
        lock (_gate)
        {
            return Task.FromResult(processor.UpdateOptions(model, patch.ApplyTo(processor.GetOptions(model))));
        }
    }
}
