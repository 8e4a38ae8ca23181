namespace Embeddings.Core.Models;

/// <summary>The answer to one input: its vector, its token count and how it was served.</summary>
public sealed record ModelEmbedding(float[] Vector, int TokenCount, BatchTimings Timings);

/// <summary>How long the input queued, how long its batch ran, and how many inputs that batch held.</summary>
public readonly record struct BatchTimings(TimeSpan QueueTime, TimeSpan InferenceTime, int BatchSize);
