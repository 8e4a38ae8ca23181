using Embeddings.Core.Models;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Embeddings.Core.Onnx;

/// <summary>
/// A BERT-family ONNX embedding model: WordPiece tokenization, one <see cref="InferenceSession"/> shared by
/// concurrent <see cref="Embed"/> calls, pooled input/output buffers, and mean or CLS pooling over real tokens.
/// </summary>
public sealed class OnnxEmbeddingModel : IEmbeddingModel
{
    private const string InputIdsName = "input_ids";
    private const string AttentionMaskName = "attention_mask";
    private const string TokenTypeIdsName = "token_type_ids";
    private const string PreferredOutputName = "last_hidden_state";

    private readonly SessionLease _lease;
    private readonly InferenceSession _session;
    private readonly BertTextTokenizer _tokenizer;
    private readonly InferenceBufferPool _buffers = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly bool _usesTokenTypes;
    private readonly int _dimensions;

    private OnnxEmbeddingModel(
        ModelDescriptor descriptor, SessionLease lease, BertTextTokenizer tokenizer, bool usesTokenTypes, string outputName)
    {
        _lease = lease;
        Descriptor = descriptor;
        _session = lease.Session;
        _tokenizer = tokenizer;
        _usesTokenTypes = usesTokenTypes;
        _dimensions = descriptor.Dimensions;
        _inputNames = usesTokenTypes ? [InputIdsName, AttentionMaskName, TokenTypeIdsName] : [InputIdsName, AttentionMaskName];
        _outputNames = [outputName];
    }

    public ModelDescriptor Descriptor { get; }

    /// <summary>The vocabulary's [PAD] id, which fills a batch's shorter inputs.</summary>
    public int PadId => _tokenizer.PadId;

    /// <summary>Loads the vocabulary and the graph (its session shared through <paramref name="sessions"/> with other
    /// models of the same weights, where given), and checks the graph's inputs and output.</summary>
    /// <exception cref="ModelLoadException">A file is missing or unusable; the message names the model and the file.</exception>
    public static OnnxEmbeddingModel Load(OnnxModelSettings settings, ILogger logger, SharedSessions? sessions = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logger);
        RequireFile(settings.Id, settings.ModelPath);
        RequireFile(settings.Id, settings.VocabPath);

        BertTextTokenizer tokenizer;
        try
        {
            tokenizer = BertTextTokenizer.Load(settings.VocabPath, settings.LowerCase);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new ModelLoadException(settings.Id, settings.VocabPath, $"not a usable BERT vocabulary: {e.Message}", e);
        }

        var sha256 = settings.ModelSha256 ?? Models.BuiltInModelExtractor.HashFile(settings.ModelPath);
        var lease = (sessions ?? new SharedSessions()).Acquire(settings, sha256, logger);
        try
        {
            var (session, provider) = (lease.Session, lease.Provider);
            var (usesTokenTypes, outputName, dimensions) = InspectGraph(settings, session);
            var shape = settings.Shape ?? ModelShape.Read(Path.GetDirectoryName(Path.GetFullPath(settings.ModelPath))!, dimensions);
            var descriptor = new ModelDescriptor(
                settings.Id, dimensions, settings.MaxTokens, settings.Pooling, settings.Normalize, provider, settings.Prompts)
            {
                Revision = sha256[..12],
                Memory = Batching.BatchMemory.For(shape, settings.MaxBatchMemoryMB),
                Precision = settings.Precision,
                Quality = settings.Quality,
            };
            return new OnnxEmbeddingModel(descriptor, lease, tokenizer, usesTokenTypes, outputName);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    public TokenizedInput Tokenize(string text, bool truncate)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _tokenizer.Tokenize(Descriptor.Id, text, Descriptor.MaxTokens, truncate);
    }

    public float[][] Embed(IReadOnlyList<TokenizedInput> batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ct.ThrowIfCancellationRequested();
        if (batch.Count == 0)
        {
            return [];
        }

        var count = batch.Count;
        var sequence = 0;
        foreach (var input in batch)
        {
            sequence = Math.Max(sequence, input.Count);
        }

        var positions = count * sequence;
        var buffers = _buffers.Rent();
        try
        {
            buffers.EnsureCapacity(positions, positions * _dimensions);
            Fill(batch, sequence, buffers);

            long[] inputShape = [count, sequence];
            using var ids = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffers.InputIds.AsMemory(0, positions), inputShape);
            using var mask = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffers.AttentionMask.AsMemory(0, positions), inputShape);
            using var types = _usesTokenTypes
                ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffers.TokenTypeIds.AsMemory(0, positions), inputShape)
                : null;
            using var output = OrtValue.CreateTensorValueFromMemory(
                OrtMemoryInfo.DefaultInstance, buffers.Output.AsMemory(0, positions * _dimensions), [count, sequence, _dimensions]);
            OrtValue[] inputs = types is null ? [ids, mask] : [ids, mask, types];

            // Options of this run alone, so that cancelling it (Terminate) stops this run and no other.
            using var runOptions = new RunOptions();
            using (ct.Register(static state => ((RunOptions)state!).Terminate = true, runOptions))
            {
                _session.Run(runOptions, _inputNames, inputs, _outputNames, [output]);
            }

            ct.ThrowIfCancellationRequested();

            var hidden = buffers.Output.AsSpan(0, positions * _dimensions);
            var vectors = new float[count][];
            for (var i = 0; i < count; i++)
            {
                vectors[i] = Pooling.Pool(Descriptor.Pooling, hidden, i, sequence, batch[i].Count, _dimensions);
            }

            return vectors;
        }
        finally
        {
            _buffers.Return(buffers);
        }
    }

    /// <summary>Lets the session go; it is disposed once no model that shares it holds it.</summary>
    public void Dispose() => _lease.Dispose();

    private void Fill(IReadOnlyList<TokenizedInput> batch, int sequence, InferenceBuffers buffers)
    {
        var pad = _tokenizer.PadId;
        for (var i = 0; i < batch.Count; i++)
        {
            var tokens = batch[i].Ids;
            var ids = buffers.InputIds.AsSpan(i * sequence, sequence);
            var mask = buffers.AttentionMask.AsSpan(i * sequence, sequence);
            for (var t = 0; t < tokens.Length; t++)
            {
                ids[t] = tokens[t];
            }

            ids[tokens.Length..].Fill(pad);
            mask[..tokens.Length].Fill(1);
            mask[tokens.Length..].Clear();
        }

        buffers.TokenTypeIds.AsSpan(0, batch.Count * sequence).Clear();
    }

    private static (bool UsesTokenTypes, string OutputName, int Dimensions) InspectGraph(OnnxModelSettings settings, InferenceSession session)
    {
        var inputs = session.InputMetadata;
        foreach (var required in new[] { InputIdsName, AttentionMaskName })
        {
            if (!inputs.TryGetValue(required, out var meta) || meta.ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int64)
            {
                throw new ModelLoadException(settings.Id, settings.ModelPath,
                    $"the graph needs an int64 input '{required}'; it has {string.Join(", ", inputs.Keys)}.");
            }
        }

        var extra = inputs.Keys.Except([InputIdsName, AttentionMaskName, TokenTypeIdsName]).ToList();
        if (extra.Count > 0)
        {
            throw new ModelLoadException(settings.Id, settings.ModelPath, $"the graph has inputs this server cannot feed: {string.Join(", ", extra)}.");
        }

        var outputs = session.OutputMetadata;
        var output = outputs.TryGetValue(PreferredOutputName, out var preferred)
            ? new KeyValuePair<string, NodeMetadata>(PreferredOutputName, preferred)
            : outputs.FirstOrDefault(o => o.Value.Dimensions.Length == 3);
        if (output.Value is null || output.Value.Dimensions.Length != 3 || output.Value.ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float)
        {
            throw new ModelLoadException(settings.Id, settings.ModelPath,
                $"the graph needs a float output [batch, seq, dims] ('{PreferredOutputName}'); it has {string.Join(", ", outputs.Keys)}.");
        }

        var dimensions = output.Value.Dimensions[2];
        if (dimensions <= 0)
        {
            dimensions = settings.Dimensions
                ?? throw new ModelLoadException(settings.Id, settings.ModelPath, "the graph's output size is not fixed; set Dimensions.");
        }
        else if (settings.Dimensions is { } expected && expected != dimensions)
        {
            throw new ModelLoadException(settings.Id, settings.ModelPath,
                $"the graph's output has {dimensions} dimensions, but the configuration says {expected}.");
        }

        return (inputs.ContainsKey(TokenTypeIdsName), output.Key, dimensions);
    }

    private static void RequireFile(string modelId, string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException(modelId, path, "the file does not exist.");
        }
    }
}
