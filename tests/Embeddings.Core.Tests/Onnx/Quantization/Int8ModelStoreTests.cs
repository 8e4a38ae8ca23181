using Embeddings.Core.Models;
using Embeddings.Core.Onnx;
using Embeddings.Core.Onnx.Quantization;
using Embeddings.Testing;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Embeddings.Core.Tests.Onnx.Quantization;

/// <summary>The int8 graph beside the model: built at first start, reused by the next, rebuilt when it no longer
/// matches; and the start-up errors for what the quantizer cannot take.</summary>
[Collection(Int8ModelsCollection.Name)]
public sealed class Int8ModelStoreTests(Int8ModelsFixture fixture)
{
    [Fact]
    public void The_first_start_built_the_graph_beside_the_model_and_a_second_start_reuses_it_without_building()
    {
        var folder = Path.Combine(fixture.ModelsDirectory, BuiltInModels.MiniLmId);
        var graph = Int8ModelStore.GraphPath(Path.Combine(folder, "model.onnx"));
        var manifest = Int8ModelStore.ManifestPath(Path.Combine(folder, "model.onnx"));
        Assert.Contains(fixture.BuildLogs.Entries, e => e.Message.Contains($"Model '{BuiltInModels.MiniLmId}': int8 graph built", StringComparison.Ordinal));
        var written = (File.GetLastWriteTimeUtc(graph), File.GetLastWriteTimeUtc(manifest));
        Assert.Contains(BuiltInModels.MiniLm.ModelSha256, File.ReadAllText(manifest), StringComparison.Ordinal);
        Assert.Contains(Int8ModelStore.QuantizerVersion, File.ReadAllText(manifest), StringComparison.Ordinal);

        var logs = new ListLoggerFactory();
        using (var second = ModelCatalog.Load(fixture.Int8Options, logs))
        {
            Assert.Equal(fixture.Int8.Get(BuiltInModels.MiniLmId).Model.Descriptor.Quality, second.Get(BuiltInModels.MiniLmId).Model.Descriptor.Quality);
        }

        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("int8 graph", StringComparison.Ordinal));
        Assert.Equal(written, (File.GetLastWriteTimeUtc(graph), File.GetLastWriteTimeUtc(manifest)));
    }

    [Fact]
    public void A_stored_graph_that_is_damaged_or_from_another_quantizer_version_is_rebuilt()
    {
        var settings = CopyOfMiniLm();
        var sha = BuiltInModels.MiniLm.ModelSha256;
        Assert.Equal(Int8StoreOutcome.Built, Int8ModelStore.Ensure(settings, sha, NullLogger.Instance).Outcome);
        Assert.Equal(Int8StoreOutcome.Reused, Int8ModelStore.Ensure(settings, sha, NullLogger.Instance).Outcome);

        var graph = Int8ModelStore.GraphPath(settings.ModelPath);
        using (var file = File.OpenWrite(graph))
        {
            file.Position = file.Length / 2;
            file.WriteByte(0x5A);
        }

        Assert.Equal(Int8StoreOutcome.Built, Int8ModelStore.Ensure(settings, sha, NullLogger.Instance).Outcome);

        var manifest = Int8ModelStore.ManifestPath(settings.ModelPath);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace(Int8ModelStore.QuantizerVersion, "0.older", StringComparison.Ordinal));
        var rebuilt = Int8ModelStore.Ensure(settings, sha, NullLogger.Instance);

        Assert.Equal(Int8StoreOutcome.Built, rebuilt.Outcome);
        Assert.Equal(Int8StoreOutcome.Reused, Int8ModelStore.Ensure(settings, sha, NullLogger.Instance).Outcome);
    }

    [Fact]
    public void A_changed_fp32_model_gets_a_new_int8_graph()
    {
        var settings = CopyOfMiniLm();
        Int8ModelStore.Ensure(settings, BuiltInModels.MiniLm.ModelSha256, NullLogger.Instance);

        var outcome = Int8ModelStore.Ensure(settings, new string('0', 64), NullLogger.Instance).Outcome;

        Assert.Equal(Int8StoreOutcome.Built, outcome);
    }

    [Fact]
    public void A_graph_without_MatMuls_on_constant_weights_is_a_start_up_error_naming_the_model()
    {
        var graph = new global::Onnx.GraphProto { Name = "no-weights" };
        graph.Input.Add(SmallGraphs.Value("input_ids", 4));
        graph.Node.Add(new global::Onnx.NodeProto { OpType = "Identity", Input = { "input_ids" }, Output = { "last_hidden_state" } });
        graph.Output.Add(SmallGraphs.Value("last_hidden_state", 4));
        var folder = FolderWith(SmallGraphs.Model(graph).ToByteArray());

        var error = Assert.Throws<ModelLoadException>(() => LoadInt8("no-weights", folder));

        Assert.Equal("no-weights", error.ModelId);
        Assert.Equal(Path.Combine(folder, "model.onnx"), error.File);
        Assert.Contains("precision int8: the quantizer cannot handle this graph: the graph has no MatMul with constant float weights", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "model.int8.onnx")));
    }

    [Fact]
    public void A_graph_with_external_data_is_a_start_up_error_naming_the_model()
    {
        var model = SmallGraphs.Linear(4, (new float[,] { { 1f } , { 2f }, { 3f }, { 4f } }, [0f]));
        model.Graph.Initializer[0].ClearRawData();
        model.Graph.Initializer[0].DataLocation = global::Onnx.TensorProto.Types.DataLocation.External;
        model.Graph.Initializer[0].ExternalData.Add(new global::Onnx.StringStringEntryProto { Key = "location", Value = "weights.bin" });
        var folder = FolderWith(model.ToByteArray());

        var error = Assert.Throws<ModelLoadException>(() => LoadInt8("external", folder));

        Assert.Equal("external", error.ModelId);
        Assert.Contains("external data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_precision_is_a_start_up_error_naming_the_model()
    {
        var options = new EmbeddingsOptions
        {
            ModelsDirectory = fixture.ModelsDirectory,
            Models = new() { [BuiltInModels.MiniLmId] = new ModelOptions { Precision = "int4" } },
        };

        var error = Assert.Throws<InvalidOptionsException>(() => ModelCatalog.Load(options, NullLoggerFactory.Instance));

        Assert.Contains("Embeddings:Models:all-minilm-l6-v2: Precision must be 'fp32' or 'int8' (was 'int4').", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Int8_on_the_cuda_provider_is_refused_at_start()
    {
        var options = new EmbeddingsOptions
        {
            Models = new() { [BuiltInModels.ArcticXsId] = new ModelOptions { Precision = "INT8", ExecutionProvider = "cuda" } },
        };

        var errors = EmbeddingsOptionsValidator.Check(options);

        Assert.Contains(errors, e => e.StartsWith("Embeddings:Models:arctic-embed-xs: Precision 'int8' runs on the 'cpu' provider only", StringComparison.Ordinal));
    }

    private OnnxModelSettings CopyOfMiniLm()
    {
        var folder = fixture.NewFolder();
        var source = Path.Combine(fixture.ModelsDirectory, BuiltInModels.MiniLmId);
        File.Copy(Path.Combine(source, "model.onnx"), Path.Combine(folder, "model.onnx"));
        File.Copy(Path.Combine(source, "vocab.txt"), Path.Combine(folder, "vocab.txt"));
        return new OnnxModelSettings("copy", Path.Combine(folder, "model.onnx"), Path.Combine(folder, "vocab.txt"), PoolingMode.Mean, true, 256,
            new Dictionary<string, string>()) { IntraOpThreads = 2 };
    }

    private string FolderWith(byte[] model)
    {
        var folder = fixture.NewFolder();
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), model);
        File.Copy(Path.Combine(fixture.ModelsDirectory, BuiltInModels.MiniLmId, "vocab.txt"), Path.Combine(folder, "vocab.txt"));
        return folder;
    }

    private ModelRegistry LoadInt8(string id, string folder) => ModelCatalog.Load(
        new EmbeddingsOptions
        {
            ModelsDirectory = fixture.ModelsDirectory,
            Models = new()
            {
                [BuiltInModels.MiniLmId] = new ModelOptions { Enabled = false },
                [BuiltInModels.ArcticXsId] = new ModelOptions { Enabled = false },
                [id] = new ModelOptions { Path = folder, Pooling = PoolingMode.Mean, Precision = Precisions.Int8 },
            },
        },
        new ListLoggerFactory());
}
