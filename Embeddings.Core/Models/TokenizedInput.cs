namespace Embeddings.Core.Models;

/// <summary>Token ids of one input, including [CLS] and [SEP], already truncated to the model's limit.</summary>
public sealed record TokenizedInput(int[] Ids, bool Truncated)
{
    public int Count => Ids.Length;
}
