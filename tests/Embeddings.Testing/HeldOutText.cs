namespace Embeddings.Testing;

/// <summary>
/// Varied English (and a few other languages) for measuring int8 quality on text the quantizer never calibrated on:
/// chat, questions, code and logs, news, recipes, science and paragraphs, from 3 tokens up. Written for this project,
/// distinct from the calibration set shipped in Embeddings.Core.
/// </summary>
public static class HeldOutText
{
    private const string ResourceName = "Embeddings.Testing.held-out-sentences.txt";

    private static readonly Lazy<IReadOnlyList<string>> Lines = new(() =>
    {
        using var stream = typeof(HeldOutText).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The resource '{ResourceName}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    });

    public static IReadOnlyList<string> Sentences => Lines.Value;
}
