namespace Embeddings.Core.Models;

/// <summary>A configured model could not be prepared or loaded at start. The message names the model and the file.</summary>
public sealed class ModelLoadException(string modelId, string? file, string reason, Exception? inner = null)
    : EmbeddingException(
        file is null ? $"Model '{modelId}' could not be loaded: {reason}" : $"Model '{modelId}' could not be loaded from '{file}': {reason}",
        inner)
{
    public string ModelId { get; } = modelId;

    /// <summary>The file (or folder) at fault, where one is.</summary>
    public string? File { get; } = file;
}
