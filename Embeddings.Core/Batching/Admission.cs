using Embeddings.Core.Models;

namespace Embeddings.Core.Batching;

/// <summary>
/// The engine's answer to one submission: either every input was taken (the answers to come, one per input, in input
/// order) or none was, and why (the queue is full, the service is shutting down, the model has failed, an input cannot
/// be tokenized). A refusal is a value, not a thrown exception: overload is an expected path.
/// </summary>
public readonly struct Admission
{
    private Admission(Task<ModelEmbedding>[]? answers, EmbeddingException? refusal)
    {
        Answers = answers;
        Refusal = refusal;
    }

    /// <summary>The answers to come, one per input; null when refused.</summary>
    public Task<ModelEmbedding>[]? Answers { get; }

    /// <summary>Why every input was refused; null when taken.</summary>
    public EmbeddingException? Refusal { get; }

    public static Admission Taken(Task<ModelEmbedding>[] answers) => new(answers, null);

    public static Admission Refused(EmbeddingException why) => new(null, why);
}
