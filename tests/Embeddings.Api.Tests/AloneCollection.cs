namespace Embeddings.Api.Tests;

/// <summary>
/// Tests that measure the whole process (its memory, its timing) run in this collection: after the parallel ones and
/// one at a time, so that what they measure is their own work and not a neighbour loading a model.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "alone";
}
