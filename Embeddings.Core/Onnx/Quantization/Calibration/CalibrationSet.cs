namespace Embeddings.Core.Onnx.Quantization.Calibration;

/// <summary>
/// The sentences the int8 build calibrates on and measures its quality with: a few hundred varied texts written for
/// this project (questions, chat, code and logs, news, recipes, science, paragraphs of up to about 300 tokens, a few
/// in other languages), shipped inside this assembly. Tests measure quality on other text.
/// </summary>
public static class CalibrationSet
{
    private const string ResourceName = "Embeddings.Core.Quantization.calibration-sentences.txt";

    private static readonly Lazy<IReadOnlyList<string>> Lines = new(Read);

    public static IReadOnlyList<string> Sentences => Lines.Value;

    private static IReadOnlyList<string> Read()
    {
        using var stream = typeof(CalibrationSet).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The resource '{ResourceName}' is missing from {typeof(CalibrationSet).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
