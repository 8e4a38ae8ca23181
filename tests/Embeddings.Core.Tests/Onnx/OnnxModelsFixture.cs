using Embeddings.Core.Models;
using Embeddings.Testing;

namespace Embeddings.Core.Tests.Onnx;

/// <summary>Extracts the built-in models into a temporary folder once per test run and loads each once.</summary>
public sealed class OnnxModelsFixture : IDisposable
{
    public OnnxModelsFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), $"embeddings-tests-{Guid.NewGuid():N}");
        Options = new EmbeddingsOptions
        {
            ModelsDirectory = Path.Combine(Root, "models"),
            // The tests of this collection run one at a time: let each run use both cores.
            Models = new()
            {
                [BuiltInModels.MiniLmId] = new ModelOptions { IntraOpThreads = 2 },
                [BuiltInModels.ArcticXsId] = new ModelOptions { IntraOpThreads = 2 },
            },
        };
        Registry = ModelCatalog.Load(Options, Logs);
    }

    public string Root { get; }

    public EmbeddingsOptions Options { get; }

    public ListLoggerFactory Logs { get; } = new();

    public ModelRegistry Registry { get; }

    public IEmbeddingModel Model(string id) => Registry.Get(id).Model;

    /// <summary>A fresh folder under the run's temporary root.</summary>
    public string NewFolder()
    {
        var folder = Path.Combine(Root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public void Dispose()
    {
        Registry.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is not worth failing the run for.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class OnnxModelsCollection : ICollectionFixture<OnnxModelsFixture>
{
    public const string Name = "onnx models";
}
