using Embeddings.Admin.Tests.Support;
using Embeddings.Admin.Tuning;
using Embeddings.Contracts;

namespace Embeddings.Admin.Tests;

/// <summary>The form's model: what it sends, how it follows the applied options, and that every rule of
/// <see cref="BatchingOptions.Validate"/> lands beside its field.</summary>
public class TuningFieldsTests
{
    [Fact]
    public void A_patch_holds_exactly_the_changed_fields()
    {
        var fields = TuningFields.From(Data.Defaults);
        Assert.Equal(new BatchingPatch(), fields.ChangesFrom(Data.Defaults));

        fields.MaxBatchSize = 7;
        fields.DispatchWhenIdle = !Data.Defaults.DispatchWhenIdle;

        Assert.Equal(new BatchingPatch { MaxBatchSize = 7, DispatchWhenIdle = !Data.Defaults.DispatchWhenIdle }, fields.ChangesFrom(Data.Defaults));
    }

    [Fact]
    public void Options_the_form_does_not_show_keep_their_applied_values()
    {
        var applied = Data.Defaults with { SortByLength = false };
        var fields = TuningFields.From(applied);
        fields.MaxWaitMs = 9;

        Assert.Equal(applied with { MaxWaitMs = 9 }, fields.ApplyTo(applied));
    }

    [Fact]
    public void When_the_applied_options_change_untouched_fields_follow_and_edits_stay()
    {
        var fields = TuningFields.From(Data.Defaults);
        fields.MaxBatchSize = 7;

        fields.Rebase(Data.Defaults, Data.Defaults with { MaxBatchSize = 64, MaxWaitMs = 20 });

        Assert.Equal(7, fields.MaxBatchSize);
        Assert.Equal(20, fields.MaxWaitMs);
    }

    [Fact]
    public void A_cleared_field_is_missing_not_zero_and_a_cleared_field_stays_cleared()
    {
        var fields = TuningFields.From(Data.Defaults);
        fields.MaxWaitMs = null;

        var error = Assert.Single(fields.Errors(Data.Defaults));
        Assert.Equal(TuningFields.FieldName(nameof(BatchingOptions.MaxWaitMs)), error.Key);
        Assert.Equal(TuningFields.NotANumber, Assert.Single(error));
        Assert.Null(fields.ChangesFrom(Data.Defaults).MaxWaitMs);

        fields.Rebase(Data.Defaults, Data.Defaults with { MaxWaitMs = 20 });
        Assert.Null(fields.MaxWaitMs);
    }

    [Theory]
    [InlineData(nameof(BatchingOptions.MaxBatchSize))]
    [InlineData(nameof(BatchingOptions.MaxWaitMs))]
    [InlineData(nameof(BatchingOptions.MaxBatchTokens))]
    [InlineData(nameof(BatchingOptions.MinPaddingEfficiency))]
    [InlineData(nameof(BatchingOptions.MaxConcurrentBatches))]
    [InlineData(nameof(BatchingOptions.MaxQueueLength))]
    public void Each_rule_broken_is_shown_under_its_own_field(string property)
    {
        var invalid = property switch
        {
            nameof(BatchingOptions.MaxBatchSize) => Data.Defaults with { MaxBatchSize = BatchingOptions.MaxBatchSizeLimit + 1 },
            nameof(BatchingOptions.MaxWaitMs) => Data.Defaults with { MaxWaitMs = -1 },
            nameof(BatchingOptions.MaxBatchTokens) => Data.Defaults with { MaxBatchTokens = 0 },
            nameof(BatchingOptions.MinPaddingEfficiency) => Data.Defaults with { MinPaddingEfficiency = 1.5 },
            nameof(BatchingOptions.MaxConcurrentBatches) => Data.Defaults with { MaxConcurrentBatches = BatchingOptions.MaxConcurrentBatchesLimit + 1 },
            _ => Data.Defaults with { MaxQueueLength = 0 },
        };

        var errors = TuningFields.From(invalid).Errors(Data.Defaults);

        var field = Assert.Single(errors);
        Assert.Equal(TuningFields.FieldName(property), field.Key);
        Assert.Equal(invalid.Validate(), field.ToList());
    }
}
