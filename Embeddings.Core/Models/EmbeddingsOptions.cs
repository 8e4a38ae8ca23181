namespace Embeddings.Core.Models;

/// <summary>
/// The models this process serves, bound from the configuration section <see cref="SectionName"/>.
/// The built-in models (<see cref="BuiltInModels"/>) are served unless an entry with their id sets
/// <c>Enabled: false</c>; further entries add models by <see cref="ModelOptions.Source"/> or <see cref="ModelOptions.Path"/>.
/// </summary>
public sealed class EmbeddingsOptions
{
    public const string SectionName = "Embeddings";

    /// <summary>
    /// Where built-in models are extracted, one folder per model id. Defaults to
    /// <c>{LocalApplicationData}/embeddings/models</c> (on Linux <c>~/.local/share/embeddings/models</c>), or
    /// <c>{AppContext.BaseDirectory}/models</c> where the user has no such folder. A relative path is taken
    /// from the current directory.
    /// </summary>
    public string ModelsDirectory { get; set; } = DefaultModelsDirectory();

    /// <summary>
    /// Where the model package DLLs lie (build/ModelPackages.targets copies them there).
    /// Defaults to <c>{AppContext.BaseDirectory}/model-packages</c>.
    /// </summary>
    public string ModelPackagesDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "model-packages");

    /// <summary>Batches that may run at once over every model: one budget of runner threads, shared fairly (see
    /// <see cref="Batching.InferenceScheduler"/>). Null: one per core, and one more. A model's
    /// <see cref="Contracts.BatchingOptions.MaxConcurrentBatches"/> caps its share of them.</summary>
    public int? InferenceSlots { get; set; }

    /// <summary>Models by id (case-insensitive). An id of a built-in model changes or disables that model.</summary>
    public Dictionary<string, ModelOptions> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public static string DefaultModelsDirectory()
    {
        var localData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        return string.IsNullOrEmpty(localData)
            ? Path.Combine(AppContext.BaseDirectory, "models")
            : Path.Combine(localData, "embeddings", "models");
    }
}
