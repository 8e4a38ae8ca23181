namespace Embeddings.Core.Models;

/// <summary>One text to embed and how. <paramref name="Prompt"/> names one of the model's prompts
/// (its prefix is prepended before tokenization); <paramref name="Normalize"/> null means the model's default.</summary>
public sealed record ModelInput(string Text, bool Truncate = true, bool? Normalize = null, string? Prompt = null);
