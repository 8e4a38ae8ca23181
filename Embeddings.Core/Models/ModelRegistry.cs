using System.Collections.Frozen;
using Embeddings.Contracts;
using Embeddings.Core.Batching;

namespace Embeddings.Core.Models;

/// <summary>A registered model and the batching options it starts with.</summary>
public sealed record RegisteredModel(IEmbeddingModel Model, BatchingOptions Batching)
{
    public string Id => Model.Descriptor.Id;
}

/// <summary>The fixed set of models this process serves, by id (case-insensitive). Owns and disposes them.</summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly FrozenDictionary<string, RegisteredModel> _models;

    public ModelRegistry(IEnumerable<RegisteredModel> models)
    {
        _models = models.ToFrozenDictionary(m => m.Id, StringComparer.OrdinalIgnoreCase);
    }

    public IEnumerable<RegisteredModel> All => _models.Values.OrderBy(m => m.Id, StringComparer.Ordinal);

    public bool TryGet(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RegisteredModel? model) =>
        _models.TryGetValue(id, out model);

    public RegisteredModel Get(string id) =>
        TryGet(id, out var model) ? model : throw new ModelNotFoundException(id);

    public void Dispose()
    {
        foreach (var model in _models.Values)
        {
            model.Model.Dispose();
        }
    }
}
