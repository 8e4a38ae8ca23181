using Embeddings.Admin.Tests.Support;
using Embeddings.Admin.Tuning;
using Embeddings.Contracts;

namespace Embeddings.Admin.Tests;

/// <summary>The form's model: what it sends, how it follows the applied options, and that every rule of
/// <see cref="BatchingOptions.Validate"/> lands beside its field.</summary>
public class TuningFieldsTests
{
    private static BatchingOption Option(string property) => BatchingOption.Of(property);

    [Fact]
    public void The_form_shows_every_option_but_the_one_kept_for_measurements()
    {
        Assert.Equal(
            ["maxBatchSize", "maxWaitMs", "maxBatchTokens", "minPaddingEfficiency", "maxQueueLength", "maxConcurrentBatches", "dispatchWhenIdle", "targetP95Ms"],
            TuningFields.Shown.Select(option => option.Name));
    }

    [Fact]
    public void A_patch_holds_exactly_the_changed_fields()
    {
        var fields = TuningFields.From(Data.Defaults);
        Assert.True(fields.ChangesFrom(Data.Defaults).IsEmpty);

        fields[Option(nameof(BatchingOptions.MaxBatchSize))] = 7;
        fields[Option(nameof(BatchingOptions.DispatchWhenIdle))] = !Data.Defaults.DispatchWhenIdle;

        Assert.Equal(
            BatchingPatch.Between(Data.Defaults, Data.Defaults with { MaxBatchSize = 7, DispatchWhenIdle = !Data.Defaults.DispatchWhenIdle }),
            fields.ChangesFrom(Data.Defaults));
        Assert.Equal(2, fields.ChangesFrom(Data.Defaults).Values.Count());
    }

    [Fact]
    public void A_field_set_back_to_the_applied_value_is_no_change()
    {
        var fields = TuningFields.From(Data.Defaults);
        fields[Option(nameof(BatchingOptions.MaxWaitMs))] = 9;
        fields[Option(nameof(BatchingOptions.MaxWaitMs))] = Data.Defaults.MaxWaitMs;

        Assert.True(fields.ChangesFrom(Data.Defaults).IsEmpty);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_refused()
    {
        var fields = TuningFields.From(Data.Defaults);

        Assert.Throws<ArgumentException>(() => fields[Option(nameof(BatchingOptions.MaxBatchSize))] = 7.5);
    }

    [Fact]
    public void Options_the_form_does_not_show_keep_their_applied_values()
    {
        var applied = Data.Defaults with { SortByLength = false };
        var fields = TuningFields.From(applied);
        fields[Option(nameof(BatchingOptions.MaxWaitMs))] = 9;

        Assert.Equal(applied with { MaxWaitMs = 9 }, fields.ApplyTo(applied));
    }

    [Fact]
    public void When_the_applied_options_change_untouched_fields_follow_and_edits_stay()
    {
        var fields = TuningFields.From(Data.Defaults);
        fields[Option(nameof(BatchingOptions.MaxBatchSize))] = 7;

        fields.Rebase(Data.Defaults, Data.Defaults with { MaxBatchSize = 64, MaxWaitMs = 20, DispatchWhenIdle = true });

        Assert.Equal(7, fields[Option(nameof(BatchingOptions.MaxBatchSize))]);
        Assert.Equal(20, fields[Option(nameof(BatchingOptions.MaxWaitMs))]);
        Assert.True(fields[Option(nameof(BatchingOptions.DispatchWhenIdle))] is true);
    }

    [Fact]
    public void A_cleared_field_is_missing_not_zero_and_a_cleared_field_stays_cleared()
    {
        var maxWaitMs = Option(nameof(BatchingOptions.MaxWaitMs));
        var fields = TuningFields.From(Data.Defaults);
        fields[maxWaitMs] = null;

        var error = Assert.Single(fields.Errors(Data.Defaults));
        Assert.Equal("maxWaitMs", error.Key);
        Assert.Equal(TuningFields.NotANumber, Assert.Single(error));
        Assert.False(fields.ChangesFrom(Data.Defaults).TryGet(maxWaitMs, out _));

        fields.Rebase(Data.Defaults, Data.Defaults with { MaxWaitMs = 20 });
        Assert.Null(fields[maxWaitMs]);
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
            nameof(BatchingOptions.MaxBatchSize) => Data.Defaults with { MaxBatchSize = 4097 },
            nameof(BatchingOptions.MaxWaitMs) => Data.Defaults with { MaxWaitMs = -1 },
            nameof(BatchingOptions.MaxBatchTokens) => Data.Defaults with { MaxBatchTokens = 0 },
            nameof(BatchingOptions.MinPaddingEfficiency) => Data.Defaults with { MinPaddingEfficiency = 1.5 },
            nameof(BatchingOptions.MaxConcurrentBatches) => Data.Defaults with { MaxConcurrentBatches = 257 },
            _ => Data.Defaults with { MaxQueueLength = 0 },
        };

        var errors = TuningFields.From(invalid).Errors(Data.Defaults);

        var field = Assert.Single(errors);
        Assert.Equal(Option(property).Name, field.Key);
        Assert.Equal(invalid.Validate(), field.ToList());
    }
}
