using System.Text.Json;

namespace Embeddings.Core.Models;

/// <summary>
/// The sizes of a BERT-family encoder that decide how much working memory a batch takes: the hidden size (the output
/// vector's), the feed-forward (intermediate) size, attention heads and layers.
/// </summary>
public sealed record ModelShape(int Hidden, int Intermediate, int Heads, int Layers)
{
    /// <summary>Hugging Face's <c>config.json</c> beside the graph, when there is one.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>The shape a folder's <c>config.json</c> gives; where it is absent or silent, BERT's usual ratios over the
    /// hidden size, taken on the side of more memory (heads of 32 dimensions, a feed-forward layer 4 times as wide).</summary>
    public static ModelShape Read(string modelFolder, int hidden)
    {
        var fallback = new ModelShape(hidden, 4 * hidden, Math.Max(1, hidden / 32), 12);
        var path = Path.Combine(modelFolder, ConfigFileName);
        if (!File.Exists(path))
        {
            return fallback;
        }

        try
        {
            using var config = JsonDocument.Parse(File.ReadAllText(path));
            int Read(string name, int otherwise) =>
                config.RootElement.TryGetProperty(name, out var value) && value.TryGetInt32(out var n) && n > 0 ? n : otherwise;
            return new ModelShape(
                hidden,
                Read("intermediate_size", fallback.Intermediate),
                Read("num_attention_heads", fallback.Heads),
                Read("num_hidden_layers", fallback.Layers));
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException)
        {
            return fallback; // an unreadable config.json is not worth refusing the model for: the fallback errs on the safe side
        }
    }
}
