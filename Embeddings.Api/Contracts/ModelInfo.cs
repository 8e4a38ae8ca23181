using Embeddings.Core.Batching;
using Embeddings.Core.Models;

namespace Embeddings.Api.Contracts;

/// <summary>One model as <c>GET /models</c> shows it: what it is, how it batches now, and its live stats.</summary>
public sealed record ModelInfo(
    string Id,
    int Dimensions,
    int MaxTokens,
    string Pooling,
    bool Normalize,
    string ExecutionProvider,
    string Revision,
    IReadOnlyDictionary<string, string> Prompts,
    BatchingOptions Batching,
    ModelStatsSnapshot Stats)
{
    public static ModelInfo From(ModelDescriptor model, BatchProcessor processor) => new(
        model.Id,
        model.Dimensions,
        model.MaxTokens,
        model.Pooling.ToString().ToLowerInvariant(),
        model.Normalize,
        model.ExecutionProvider,
        model.Revision,
        model.Prompts,
        processor.GetOptions(model.Id),
        processor.GetStats(model.Id));
}
