using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Embeddings.Core.Models;

/// <summary>Checks <see cref="EmbeddingsOptions"/> at start (register it for <c>ValidateOnStart</c>); every
/// broken rule is named with the model it belongs to.</summary>
public sealed partial class EmbeddingsOptionsValidator : IValidateOptions<EmbeddingsOptions>
{
    public const int MaxTokensLimit = 8192;

    public ValidateOptionsResult Validate(string? name, EmbeddingsOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Returns every rule the options break; empty when valid.</summary>
    public static IReadOnlyList<string> Check(EmbeddingsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ModelsDirectory))
        {
            errors.Add("Embeddings:ModelsDirectory must name a folder.");
        }

        if (string.IsNullOrWhiteSpace(options.ModelPackagesDirectory))
        {
            errors.Add("Embeddings:ModelPackagesDirectory must name a folder.");
        }

        if (options.InferenceSlots is < 1 or > 256)
        {
            errors.Add($"Embeddings:InferenceSlots must be between 1 and 256 (was {options.InferenceSlots}).");
        }

        var models = options.Models ?? [];
        foreach (var (id, model) in models)
        {
            CheckModel(id, model, errors);
        }

        foreach (var clash in models.Keys.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add($"Embeddings:Models: ids are case-insensitive, and {string.Join(", ", clash.Select(k => $"'{k}'"))} are the same id.");
        }

        var enabled = BuiltInModels.All.Count(b => !models.TryGetValue(b.Id, out var m) || m is null || m.Enabled)
            + models.Count(m => m.Value is { Enabled: true } && !BuiltInModels.All.Any(b => string.Equals(b.Id, m.Key, StringComparison.OrdinalIgnoreCase)));
        if (enabled == 0)
        {
            errors.Add("Embeddings: every model is disabled; enable at least one.");
        }

        return errors;
    }

    private static void CheckModel(string id, ModelOptions? model, List<string> errors)
    {
        var where = $"Embeddings:Models:{id}";
        if (!IdPattern().IsMatch(id))
        {
            errors.Add($"{where}: a model id takes 1 to 64 letters, digits, '.', '_' or '-'.");
        }

        if (model is null)
        {
            errors.Add($"{where}: has no settings.");
            return;
        }

        var isBuiltInId = BuiltInModels.TryFind(id, out _) && !id.StartsWith(ModelOptions.BuiltInPrefix, StringComparison.OrdinalIgnoreCase);
        if (model.Source is not null && model.Path is not null)
        {
            errors.Add($"{where}: set Source or Path, not both.");
        }
        else if (model.Source is not null)
        {
            if (!model.Source.StartsWith(ModelOptions.BuiltInPrefix, StringComparison.OrdinalIgnoreCase) || !BuiltInModels.TryFind(model.Source, out _))
            {
                errors.Add($"{where}: Source '{model.Source}' is unknown; use one of {string.Join(", ", BuiltInModels.All.Select(b => b.Source))}, or Path.");
            }
        }
        else if (model.Path is not null)
        {
            if (string.IsNullOrWhiteSpace(model.Path))
            {
                errors.Add($"{where}: Path is empty.");
            }

            if (model.Pooling is null)
            {
                errors.Add($"{where}: a Path model needs Pooling (Mean or Cls).");
            }
        }
        else if (!isBuiltInId)
        {
            errors.Add($"{where}: set Source (builtin:...) or Path (a folder with model.onnx and vocab.txt).");
        }

        if (model.Pooling is { } pooling && !Enum.IsDefined(pooling))
        {
            errors.Add($"{where}: Pooling must be Mean or Cls.");
        }

        if (model.MaxTokens is < 3 or > MaxTokensLimit)
        {
            errors.Add($"{where}: MaxTokens must be between 3 and {MaxTokensLimit} (was {model.MaxTokens}).");
        }

        if (model.Dimensions is < 1 or > 65_536)
        {
            errors.Add($"{where}: Dimensions must be between 1 and 65536 (was {model.Dimensions}).");
        }

        if (!ExecutionProviders.IsKnown(model.ExecutionProvider))
        {
            errors.Add($"{where}: ExecutionProvider must be '{ExecutionProviders.Cpu}' or '{ExecutionProviders.Cuda}' (was '{model.ExecutionProvider}').");
        }

        if (!Precisions.IsKnown(model.Precision))
        {
            errors.Add($"{where}: Precision must be '{Precisions.Fp32}' or '{Precisions.Int8}' (was '{model.Precision}').");
        }
        else if (Precisions.IsInt8(model.Precision) && string.Equals(model.ExecutionProvider, ExecutionProviders.Cuda, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{where}: Precision '{Precisions.Int8}' runs on the '{ExecutionProviders.Cpu}' provider only (its DynamicQuantizeMatMul is a CPU kernel); use '{Precisions.Fp32}' with '{ExecutionProviders.Cuda}'.");
        }

        if (model.IntraOpThreads is < 0 or > 256)
        {
            errors.Add($"{where}: IntraOpThreads must be between 0 (ONNX Runtime picks) and 256 (was {model.IntraOpThreads}).");
        }

        if (model.MaxBatchMemoryMB is < 16 or > 1_048_576)
        {
            errors.Add($"{where}: MaxBatchMemoryMB must be between 16 and 1048576 (was {model.MaxBatchMemoryMB}).");
        }

        if (model.Prompts is not null && model.Prompts.Keys.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add($"{where}: every prompt needs a name.");
        }

        if (model.Batching is not null)
        {
            errors.AddRange(model.Batching.Validate().Select(e => $"{where}:Batching: {e}"));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex IdPattern();
}
