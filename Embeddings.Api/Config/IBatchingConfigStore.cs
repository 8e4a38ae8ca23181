using Embeddings.Api.Contracts;
using Embeddings.Core.Batching;

namespace Embeddings.Api.Config;

/// <summary>
/// Where live batching options are kept and from where they reach every replica's queues.
/// An update is validated, stored, and applied before the next batch.
/// </summary>
public interface IBatchingConfigStore
{
    Task<BatchingOptions> UpdateAsync(string model, BatchingPatch patch, CancellationToken ct);
}
