namespace Embeddings.Core.Models;

/// <summary>
/// One loaded embedding model. Tokenization happens on the caller's thread before queueing;
/// <see cref="Embed"/> is blocking and runs on a model runner thread, possibly several at once.
/// </summary>
public interface IEmbeddingModel : IDisposable
{
    ModelDescriptor Descriptor { get; }

    /// <summary>Tokenizes one text (with [CLS] and [SEP]). Throws <see cref="InvalidInputException"/>
    /// for empty input, or <see cref="InputTooLongException"/> when it is too long and truncation is off.</summary>
    TokenizedInput Tokenize(string text, bool truncate);

    /// <summary>Runs one batch and returns one pooled, not normalised, vector per input, in input order.
    /// Must be safe to call from several threads at once. <paramref name="ct"/> stops a run under way (a drain that
    /// ran out of time); the call then throws.</summary>
    float[][] Embed(IReadOnlyList<TokenizedInput> batch, CancellationToken ct = default);
}
