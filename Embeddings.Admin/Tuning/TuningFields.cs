using System.Text.Json;
using Embeddings.Contracts;

namespace Embeddings.Admin.Tuning;

/// <summary>
/// What the tuning form holds: the values a person is editing, which may be invalid. The rules are
/// <see cref="BatchingOptions.Validate"/>'s alone: each error is shown beside the field it names, and the options that
/// the form does not show (<see cref="BatchingOptions.SortByLength"/>) keep their applied values.
/// </summary>
public sealed class TuningFields
{
    public int MaxBatchSize { get; set; }

    public int MaxWaitMs { get; set; }

    public int MaxBatchTokens { get; set; }

    public double MinPaddingEfficiency { get; set; }

    public int MaxConcurrentBatches { get; set; }

    public int MaxQueueLength { get; set; }

    public bool DispatchWhenIdle { get; set; }

    public static TuningFields From(BatchingOptions options) => new()
    {
        MaxBatchSize = options.MaxBatchSize,
        MaxWaitMs = options.MaxWaitMs,
        MaxBatchTokens = options.MaxBatchTokens,
        MinPaddingEfficiency = options.MinPaddingEfficiency,
        MaxConcurrentBatches = options.MaxConcurrentBatches,
        MaxQueueLength = options.MaxQueueLength,
        DispatchWhenIdle = options.DispatchWhenIdle,
    };

    /// <summary>The options these fields would give on top of <paramref name="applied"/>.</summary>
    public BatchingOptions ApplyTo(BatchingOptions applied) => applied with
    {
        MaxBatchSize = MaxBatchSize,
        MaxWaitMs = MaxWaitMs,
        MaxBatchTokens = MaxBatchTokens,
        MinPaddingEfficiency = MinPaddingEfficiency,
        MaxConcurrentBatches = MaxConcurrentBatches,
        MaxQueueLength = MaxQueueLength,
        DispatchWhenIdle = DispatchWhenIdle,
    };

    /// <summary>Exactly the fields that differ from <paramref name="applied"/>; the rest stay absent.</summary>
    public BatchingPatch ChangesFrom(BatchingOptions applied) => new()
    {
        MaxBatchSize = Changed(MaxBatchSize, applied.MaxBatchSize),
        MaxWaitMs = Changed(MaxWaitMs, applied.MaxWaitMs),
        MaxBatchTokens = Changed(MaxBatchTokens, applied.MaxBatchTokens),
        MinPaddingEfficiency = Changed(MinPaddingEfficiency, applied.MinPaddingEfficiency),
        MaxConcurrentBatches = Changed(MaxConcurrentBatches, applied.MaxConcurrentBatches),
        MaxQueueLength = Changed(MaxQueueLength, applied.MaxQueueLength),
        DispatchWhenIdle = Changed(DispatchWhenIdle, applied.DispatchWhenIdle),
    };

    public bool HasChangesFrom(BatchingOptions applied) => ChangesFrom(applied) != new BatchingPatch();

    /// <summary>When the applied options change under the form (applied here, elsewhere, or reset): a field the person
    /// has not touched follows the new value; an edited one keeps the edit.</summary>
    public void Rebase(BatchingOptions before, BatchingOptions after)
    {
        MaxBatchSize = Follow(MaxBatchSize, before.MaxBatchSize, after.MaxBatchSize);
        MaxWaitMs = Follow(MaxWaitMs, before.MaxWaitMs, after.MaxWaitMs);
        MaxBatchTokens = Follow(MaxBatchTokens, before.MaxBatchTokens, after.MaxBatchTokens);
        MinPaddingEfficiency = Follow(MinPaddingEfficiency, before.MinPaddingEfficiency, after.MinPaddingEfficiency);
        MaxConcurrentBatches = Follow(MaxConcurrentBatches, before.MaxConcurrentBatches, after.MaxConcurrentBatches);
        MaxQueueLength = Follow(MaxQueueLength, before.MaxQueueLength, after.MaxQueueLength);
        DispatchWhenIdle = Follow(DispatchWhenIdle, before.DispatchWhenIdle, after.DispatchWhenIdle);
    }

    /// <summary><see cref="BatchingOptions.Validate"/>'s errors for these fields, each under the option it names
    /// (its JSON name, the way the messages start); an error naming no field is kept under the empty key.</summary>
    public static ILookup<string, string> ErrorsByField(BatchingOptions options) =>
        options.Validate().ToLookup(error => FieldNames.FirstOrDefault(name => error.StartsWith(name + " ", StringComparison.Ordinal)) ?? string.Empty);

    /// <summary>The JSON name of an option (<c>maxBatchSize</c>), as its errors and the API name it.</summary>
    public static string FieldName(string property) => JsonNamingPolicy.CamelCase.ConvertName(property);

    private static readonly string[] FieldNames =
    [
        FieldName(nameof(BatchingOptions.MaxBatchSize)),
        FieldName(nameof(BatchingOptions.MaxWaitMs)),
        FieldName(nameof(BatchingOptions.MaxBatchTokens)),
        FieldName(nameof(BatchingOptions.MinPaddingEfficiency)),
        FieldName(nameof(BatchingOptions.MaxConcurrentBatches)),
        FieldName(nameof(BatchingOptions.MaxQueueLength)),
    ];

    private static T? Changed<T>(T value, T applied) where T : struct, IEquatable<T> => value.Equals(applied) ? null : value;

    private static T Follow<T>(T value, T before, T after) where T : IEquatable<T> => value.Equals(before) ? after : value;
}
