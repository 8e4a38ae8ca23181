using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Embeddings.Contracts;
using Embeddings.Core.Models;
using Embeddings.Core.Onnx.Quantization.Calibration;
using Microsoft.Extensions.Logging;

namespace Embeddings.Core.Onnx.Quantization;

/// <summary>Whether <see cref="Int8ModelStore.Ensure"/> found a usable int8 graph or built one.</summary>
public enum Int8StoreOutcome
{
    /// <summary>The stored graph matched the fp32 file, the quantizer and its own hash; nothing was built.</summary>
    Reused,

    /// <summary>There was no usable stored graph (first start, a changed model or quantizer, a damaged file); one was built.</summary>
    Built,
}

/// <summary>A model's int8 graph on disk and its measured closeness to fp32.</summary>
public sealed record Int8Graph(string Path, PrecisionQuality Quality, Int8StoreOutcome Outcome);

/// <summary>
/// Keeps a model's int8 graph beside its fp32 file: <c>model.int8.onnx</c> and <c>model.int8.json</c> (the fp32 file's
/// SHA-256, the quantizer's version, the int8 file's SHA-256 and the quality). At start it reuses them when they still
/// match; otherwise it builds the graph (calibration pass, rewrite), measures it against fp32 on the calibration set,
/// and writes both files through temporary files moved into place, so a reader (or a second replica building at the
/// same time) never sees half a file.
/// </summary>
public static partial class Int8ModelStore
{
    /// <summary>Names the quantizer's recipe (bump it when <see cref="Int8Recipe.Default"/> or the rewrite changes what
    /// is built) and the calibration set it ran on; a stored graph of another version is rebuilt.</summary>
    public const string RecipeVersion = "1";

    /// <summary>The quality the int8 graphs of the built-in models reach; a graph below it is served, with a warning.</summary>
    public const double MeanCosineTarget = 0.995;

    public const double MinCosineTarget = 0.98;

    public static string QuantizerVersion { get; } = $"{RecipeVersion}.calibration-{CalibrationSetHash()[..12]}";

    public static string GraphPath(string fp32ModelPath) => Path.ChangeExtension(fp32ModelPath, ".int8.onnx");

    public static string ManifestPath(string fp32ModelPath) => Path.ChangeExtension(fp32ModelPath, ".int8.json");

    /// <param name="fp32">The model's settings, with <see cref="OnnxModelSettings.ModelPath"/> the fp32 graph.</param>
    /// <param name="fp32Sha256">The fp32 file's SHA-256 (hex).</param>
    /// <exception cref="ModelLoadException">The graph cannot be quantized, or its files cannot be written.</exception>
    public static Int8Graph Ensure(OnnxModelSettings fp32, string fp32Sha256, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(fp32);
        ArgumentNullException.ThrowIfNull(logger);
        var graphPath = GraphPath(fp32.ModelPath);
        var manifestPath = ManifestPath(fp32.ModelPath);
        if (TryReuse(graphPath, manifestPath, fp32Sha256) is { } quality)
        {
            return new Int8Graph(graphPath, quality, Int8StoreOutcome.Reused);
        }

        LogBuilding(logger, fp32.Id, fp32.ModelPath);
        var started = Stopwatch.GetTimestamp();
        var source = Quantizable(fp32, () => Int8GraphBuilder.ReadQuantizable(fp32.ModelPath, Int8Recipe.Default));
        // The build runs once, at start, before serving: let it use every core.
        var building = fp32 with { ModelSha256 = fp32Sha256, IntraOpThreads = 0 };
        using var reference = OnnxEmbeddingModel.Load(building, logger);
        var calibration = CalibrationSet.Sentences.Select(t => reference.Tokenize(t, truncate: true)).ToList();
        var graph = Quantizable(fp32, () => Int8GraphBuilder.Build(source, calibration, reference.PadId, Int8Recipe.Default, threads: 0));
        WriteAtomically(fp32.Id, graphPath, graph);
        using (var int8 = OnnxEmbeddingModel.Load(building with { ModelPath = graphPath, Precision = Precisions.Int8 }, logger))
        {
            quality = QualityProbe.Compare(reference, int8, calibration);
        }

        var manifest = new Int8Manifest(QuantizerVersion, fp32Sha256, Convert.ToHexStringLower(SHA256.HashData(graph)), quality, DateTimeOffset.UtcNow);
        WriteAtomically(fp32.Id, manifestPath, JsonSerializer.SerializeToUtf8Bytes(manifest, Int8ManifestJson.Default.Int8Manifest));
        LogBuilt(logger, fp32.Id, Stopwatch.GetElapsedTime(started).TotalSeconds, quality.MeanCosine, quality.MinCosine, quality.Sentences, graphPath);
        if (quality.MeanCosine < MeanCosineTarget || quality.MinCosine < MinCosineTarget)
        {
            LogBelowTarget(logger, fp32.Id, quality.MeanCosine, quality.MinCosine, MeanCosineTarget, MinCosineTarget);
        }

        return new Int8Graph(graphPath, quality, Int8StoreOutcome.Built);
    }

    private static T Quantizable<T>(OnnxModelSettings fp32, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (UnsupportedGraphException e)
        {
            throw new ModelLoadException(fp32.Id, fp32.ModelPath, $"precision int8: the quantizer cannot handle this graph: {e.Message}", e);
        }
    }

    private static PrecisionQuality? TryReuse(string graphPath, string manifestPath, string fp32Sha256)
    {
        if (!File.Exists(graphPath) || !File.Exists(manifestPath))
        {
            return null;
        }

        Int8Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(File.ReadAllBytes(manifestPath), Int8ManifestJson.Default.Int8Manifest);
        }
        catch (JsonException)
        {
            return null;
        }

        return manifest is not null
            && manifest.QuantizerVersion == QuantizerVersion
            && string.Equals(manifest.Fp32Sha256, fp32Sha256, StringComparison.OrdinalIgnoreCase)
            && string.Equals(manifest.Int8Sha256, BuiltInModelExtractor.HashFile(graphPath), StringComparison.OrdinalIgnoreCase)
            ? manifest.Quality
            : null;
    }

    private static void WriteAtomically(string modelId, string path, byte[] content)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temporary, content);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new ModelLoadException(modelId, path, $"precision int8: cannot write the int8 graph's files beside the model: {e.Message}", e);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing was moved into place; a stray temporary file is harmless.
        }
    }

    private static string CalibrationSetHash() =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', CalibrationSet.Sentences))));

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Model '{ModelId}': building its int8 graph from '{Path}' (first start, or the model or the quantizer changed).")]
    private static partial void LogBuilding(ILogger logger, string modelId, string path);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Model '{ModelId}': int8 graph built in {Seconds:0.0} s; cosine to fp32 mean {Mean:0.0000}, min {Min:0.0000} over {Sentences} calibration sentences; stored at '{Path}'.")]
    private static partial void LogBuilt(ILogger logger, string modelId, double seconds, double mean, double min, int sentences, string path);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Model '{ModelId}': its int8 graph is further from fp32 than the built-in models' (mean cosine {Mean:0.0000}, min {Min:0.0000}; they reach {MeanTarget} and {MinTarget}). It is served as configured; use Precision fp32 if that is not close enough.")]
    private static partial void LogBelowTarget(ILogger logger, string modelId, double mean, double min, double meanTarget, double minTarget);
}
