using Embeddings.Core.Models;
using Embeddings.Testing;

namespace Embeddings.Core.Tests.Onnx.Quantization;

/// <summary>Extracts both built-in models into a temporary folder, builds their int8 graphs there once (as a first
/// start does), and loads each model in fp32 and in int8 for the tests to compare.</summary>
public sealed class Int8ModelsFixture : IDisposable
{
    public Int8ModelsFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), $"embeddings-int8-tests-{Guid.NewGuid():N}");
        Int8Options = Options(Precisions.Int8);
        Int8 = ModelCatalog.Load(Int8Options, BuildLogs);
        Fp32 = ModelCatalog.Load(Options(Precisions.Fp32), new ListLoggerFactory());
    }

    public string Root { get; }

    public string ModelsDirectory => Path.Combine(Root, "models");

    public EmbeddingsOptions Int8Options { get; }

    /// <summary>What the first start logged while building the int8 graphs.</summary>
    public ListLoggerFactory BuildLogs { get; } = new();

    public ModelRegistry Int8 { get; }

    public ModelRegistry Fp32 { get; }

    public string NewFolder()
    {
        var folder = Path.Combine(Root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public void Dispose()
    {
        Int8.Dispose();
        Fp32.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is not worth failing the run for.
        }
    }

    private EmbeddingsOptions Options(string precision) => new()
    {
        ModelsDirectory = ModelsDirectory,
        // The tests of this collection run one at a time: let each run use both cores.
        Models = new()
        {
            [BuiltInModels.MiniLmId] = new ModelOptions { Precision = precision, IntraOpThreads = 2 },
            [BuiltInModels.ArcticXsId] = new ModelOptions { Precision = precision, IntraOpThreads = 2 },
        },
    };
}

[CollectionDefinition(Name)]
public sealed class Int8ModelsCollection : ICollectionFixture<Int8ModelsFixture>
{
    public const string Name = "int8 models";
}
