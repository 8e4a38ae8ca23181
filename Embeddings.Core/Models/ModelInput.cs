namespace Embeddings.Core.Models;

/// <summary>One text to embed, as the model gets it (a prompt's prefix already in front), and how: cut to the model's
/// limit or refused when too long, and whether the vector is L2-normalised. The caller decides both.</summary>
public sealed record ModelInput(string Text, bool Truncate = true, bool Normalize = true);
