using Embeddings.Contracts;

namespace Embeddings.Api.Config;

/// <summary>
/// Where live batching options are kept, and from where they reach this replica's engine. A change is validated
/// (<see cref="BatchingOptions.Validate"/>), stored with a new version, and applied before the model's next batch.
/// The configured options (appsettings) are each model's defaults until a change is stored.
/// </summary>
public interface IBatchingConfigStore
{
    /// <summary>The version of the options this replica applies now, and who stored it.</summary>
    BatchingConfigInfo Describe(string model);

    /// <summary>Stores and applies a change of any subset of the options; the rest keep their stored or default values.</summary>
    Task<BatchingState> UpdateAsync(string model, BatchingPatch patch, string updatedBy, CancellationToken ct);

    /// <summary>Forgets every stored change: the model runs its configured defaults again, under a new version.</summary>
    Task<BatchingState> ResetAsync(string model, string updatedBy, CancellationToken ct);
}
