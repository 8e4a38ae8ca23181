using Embeddings.Contracts;
using Embeddings.Core.Models;
using Embeddings.Core.Onnx;
using Embeddings.Testing;
using Microsoft.Extensions.Logging;

namespace Embeddings.Core.Tests.Onnx;

[Collection(OnnxModelsCollection.Name)]
public sealed class ModelCatalogTests(OnnxModelsFixture fixture)
{
    [Fact]
    public void Both_built_in_models_are_served_by_default()
    {
        Assert.Equal([BuiltInModels.MiniLmId, BuiltInModels.ArcticXsId], fixture.Registry.All.Select(m => m.Id));
        Assert.All(fixture.Registry.All, m => Assert.Equal(new BatchingOptions(), m.Batching));
    }

    [Fact]
    public void A_missing_model_folder_fails_at_load_naming_the_model_and_the_folder()
    {
        var missing = Path.Combine(fixture.Root, "no-such-folder");

        var error = Assert.Throws<ModelLoadException>(() => Load("custom", new ModelOptions { Path = missing, Pooling = PoolingMode.Mean }));

        Assert.Equal("custom", error.ModelId);
        Assert.Contains("'custom'", error.Message, StringComparison.Ordinal);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_without_model_onnx_fails_naming_the_file()
    {
        var folder = fixture.NewFolder();
        File.Copy(Path.Combine(fixture.Options.ModelsDirectory, BuiltInModels.MiniLmId, "vocab.txt"), Path.Combine(folder, "vocab.txt"));

        var error = Assert.Throws<ModelLoadException>(() => Load("custom", new ModelOptions { Path = folder, Pooling = PoolingMode.Mean }));

        Assert.Contains("'custom'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(folder, "model.onnx"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_model_file_fails_naming_the_model_and_the_file()
    {
        var folder = fixture.NewFolder();
        File.Copy(Path.Combine(fixture.Options.ModelsDirectory, BuiltInModels.MiniLmId, "vocab.txt"), Path.Combine(folder, "vocab.txt"));
        File.WriteAllText(Path.Combine(folder, "model.onnx"), "this is not an ONNX graph");

        var error = Assert.Throws<ModelLoadException>(() => Load("broken", new ModelOptions { Path = folder, Pooling = PoolingMode.Cls }));

        Assert.Contains("'broken'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(folder, "model.onnx"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_model_loads_with_its_configured_settings()
    {
        var source = Path.Combine(fixture.Options.ModelsDirectory, BuiltInModels.MiniLmId);
        var options = new ModelOptions { Path = source, Pooling = PoolingMode.Cls, MaxTokens = 128, Normalize = false, Prompts = new() { ["doc"] = "passage: " } };

        using var registry = Load("my-model", options);

        var d = registry.Get("MY-MODEL").Model.Descriptor;
        Assert.Equal(("my-model", PoolingMode.Cls, 128, false, 384, "passage: "), (d.Id, d.Pooling, d.MaxTokens, d.Normalize, d.Dimensions, d.Prompts["doc"]));
        Assert.Equal(BuiltInModels.MiniLm.ModelSha256[..12], d.Revision);
    }

    [Fact]
    public void Cuda_on_a_cpu_only_machine_falls_back_to_cpu_with_one_warning()
    {
        var logs = new ListLoggerFactory();
        var options = new EmbeddingsOptions
        {
            ModelsDirectory = fixture.Options.ModelsDirectory,
            Models = new()
            {
                [BuiltInModels.MiniLmId] = new ModelOptions { ExecutionProvider = "cuda" },
                [BuiltInModels.ArcticXsId] = new ModelOptions { Enabled = false },
            },
        };

        using var registry = ModelCatalog.Load(options, logs);

        var model = Assert.Single(registry.All).Model;
        Assert.Equal("cpu", model.Descriptor.ExecutionProvider);
        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("CUDA", warning.Message, StringComparison.Ordinal);
        Assert.Contains(BuiltInModels.MiniLmId, warning.Message, StringComparison.Ordinal);
        Assert.Single(model.Embed([model.Tokenize("still works", truncate: true)]));
    }

    [Fact]
    public void Ids_over_the_same_weights_share_one_session_and_each_keeps_its_own_settings()
    {
        var folder = Path.Combine(fixture.Options.ModelsDirectory, BuiltInModels.MiniLmId);
        var sessions = new SharedSessions();
        var logs = new ListLoggerFactory();
        var options = new EmbeddingsOptions
        {
            ModelsDirectory = fixture.Options.ModelsDirectory,
            Models = new()
            {
                [BuiltInModels.ArcticXsId] = new ModelOptions { Enabled = false },
                ["copy-a"] = new ModelOptions { Path = folder, Pooling = PoolingMode.Mean, MaxTokens = 256 },
                ["copy-b"] = new ModelOptions { Path = folder, Pooling = PoolingMode.Cls, MaxTokens = 64 },
            },
        };

        using (var registry = ModelCatalog.Load(options, logs, sessions))
        {
            Assert.Equal(3, registry.All.Count()); // the built-in and two folder ids, all over one file
            Assert.Equal(1, sessions.Count); // one copy of the weights
            Assert.Equal(2, logs.Entries.Count(e => e.Message.Contains("shares the loaded weights", StringComparison.Ordinal)));
            var input = registry.Get("copy-a").Model.Tokenize("one session, many ids", truncate: true);
            var mean = registry.Get("copy-a").Model.Embed([input])[0];
            var cls = registry.Get("copy-b").Model.Embed([input])[0];
            Assert.Equal(mean, registry.Get(BuiltInModels.MiniLmId).Model.Embed([input])[0]); // same weights, same pooling
            Assert.NotEqual(mean, cls); // same weights, each id's own pooling
        }

        Assert.Equal(0, sessions.Count); // the last model to go let the session go
    }

    private ModelRegistry Load(string id, ModelOptions model) => ModelCatalog.Load(
        new EmbeddingsOptions
        {
            ModelsDirectory = fixture.Options.ModelsDirectory,
            Models = new()
            {
                [BuiltInModels.MiniLmId] = new ModelOptions { Enabled = false },
                [BuiltInModels.ArcticXsId] = new ModelOptions { Enabled = false },
                [id] = model,
            },
        },
        new ListLoggerFactory());
}
