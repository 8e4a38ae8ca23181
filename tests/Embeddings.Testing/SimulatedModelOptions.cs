using Embeddings.Core.Models;

namespace Embeddings.Testing;

/// <summary>How a <see cref="SimulatedEmbeddingModel"/> looks and what a batch costs.</summary>
public sealed record SimulatedModelOptions
{
    public string Id { get; init; } = "simulated";

    public int Dimensions { get; init; } = 32;

    /// <summary>Token limit, [CLS] and [SEP] included.</summary>
    public int MaxTokens { get; init; } = 512;

    public bool Normalize { get; init; } = true;

    /// <summary>Fixed cost of one <see cref="IEmbeddingModel.Embed"/> call.</summary>
    public TimeSpan CostPerBatch { get; init; } = TimeSpan.Zero;

    /// <summary>Extra cost per padded token (longest input x count).</summary>
    public TimeSpan CostPerPaddedToken { get; init; } = TimeSpan.Zero;

    public IReadOnlyDictionary<string, string> Prompts { get; init; } = new Dictionary<string, string>();

    /// <summary>How a batch's cost is spent: by default the runner thread waits it out; a test on a fake clock moves the
    /// clock by it instead, so the engine measures exactly the cost (<c>cost => clock.Advance(cost)</c>).</summary>
    public Action<TimeSpan>? Spend { get; init; }

    /// <summary>Counts batches running at once over every model that shares it (the engine's slots are shared).</summary>
    public RunningProbe? Running { get; init; }
}
