using System.Text.Json;
using Embeddings.Contracts;

namespace Embeddings.Admin.Tuning;

/// <summary>
/// What the tuning form holds: the values a person is editing, which may be invalid or missing (an empty field, or text
/// that is not a number, is null: never a silent 0). The rules are <see cref="BatchingOptions.Validate"/>'s alone: each
/// error is shown beside the field it names, and the options that the form does not show
/// (<see cref="BatchingOptions.SortByLength"/>) keep their applied values.
/// </summary>
public sealed class TuningFields
{
    public const string NotANumber = "Enter a number.";

    public int? MaxBatchSize { get; set; }

    public int? MaxWaitMs { get; set; }

    public int? MaxBatchTokens { get; set; }

    public double? MinPaddingEfficiency { get; set; }

    public int? MaxConcurrentBatches { get; set; }

    public int? MaxQueueLength { get; set; }

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

    /// <summary>The options these fields would give on top of <paramref name="applied"/> (a missing value keeps the applied one).</summary>
    public BatchingOptions ApplyTo(BatchingOptions applied) => ChangesFrom(applied).ApplyTo(applied);

    /// <summary>Exactly the fields that differ from <paramref name="applied"/>; the rest stay absent.</summary>
    public BatchingPatch ChangesFrom(BatchingOptions applied) => new()
    {
        MaxBatchSize = Changed(MaxBatchSize, applied.MaxBatchSize),
        MaxWaitMs = Changed(MaxWaitMs, applied.MaxWaitMs),
        MaxBatchTokens = Changed(MaxBatchTokens, applied.MaxBatchTokens),
        MinPaddingEfficiency = Changed(MinPaddingEfficiency, applied.MinPaddingEfficiency),
        MaxConcurrentBatches = Changed(MaxConcurrentBatches, applied.MaxConcurrentBatches),
        MaxQueueLength = Changed(MaxQueueLength, applied.MaxQueueLength),
        DispatchWhenIdle = Changed<bool>(DispatchWhenIdle, applied.DispatchWhenIdle),
    };

    /// <summary>Every reason these fields cannot be applied, under the JSON name of the option it concerns (as the API
    /// and <see cref="BatchingOptions.Validate"/>'s messages name it): a missing number, then the rules it breaks. A
    /// rule that names no field is kept under the empty key. Empty: the fields can be applied.</summary>
    public ILookup<string, string> Errors(BatchingOptions applied)
    {
        var missing = new (string Field, bool Missing)[]
        {
            (FieldName(nameof(MaxBatchSize)), MaxBatchSize is null),
            (FieldName(nameof(MaxWaitMs)), MaxWaitMs is null),
            (FieldName(nameof(MaxBatchTokens)), MaxBatchTokens is null),
            (FieldName(nameof(MinPaddingEfficiency)), MinPaddingEfficiency is null),
            (FieldName(nameof(MaxConcurrentBatches)), MaxConcurrentBatches is null),
            (FieldName(nameof(MaxQueueLength)), MaxQueueLength is null),
        }.Where(f => f.Missing).Select(f => (f.Field, Error: NotANumber));
        var broken = ApplyTo(applied).Validate().Select(error => (Field: FieldOf(error), Error: error));
        return missing.Concat(broken).ToLookup(e => e.Field, e => e.Error);
    }

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
        DispatchWhenIdle = Follow<bool>(DispatchWhenIdle, before.DispatchWhenIdle, after.DispatchWhenIdle) ?? after.DispatchWhenIdle;
    }

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

    /// <summary>The field a <see cref="BatchingOptions.Validate"/> message is about: each starts with the option's JSON name.</summary>
    private static string FieldOf(string error) =>
        FieldNames.FirstOrDefault(name => error.StartsWith(name + " ", StringComparison.Ordinal)) ?? string.Empty;

    private static T? Changed<T>(T? value, T applied) where T : struct, IEquatable<T> =>
        value is { } edited && !edited.Equals(applied) ? edited : null;

    private static T? Follow<T>(T? value, T before, T after) where T : struct, IEquatable<T> =>
        value is { } edited && !edited.Equals(before) ? edited : value is null ? null : after;
}
