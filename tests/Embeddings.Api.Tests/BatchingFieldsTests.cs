using Embeddings.Api.Config;
using Embeddings.Contracts;
using StackExchange.Redis;

namespace Embeddings.Api.Tests;

/// <summary>A model's stored batching options as Redis hash fields: one field per option set, named as the option, its
/// value as invariant text (as stored by every version so far), read back whole; a value that cannot be read is
/// reported, not guessed.</summary>
public sealed class BatchingFieldsTests
{
    public static TheoryData<string, object, string> EveryOption() => new()
    {
        { "maxBatchSize", 4096, "4096" },
        { "maxWaitMs", 0, "0" },
        { "maxBatchTokens", 16_777_216, "16777216" },
        { "minPaddingEfficiency", 0.1, "0.1" },
        { "maxQueueLength", 1_000_000, "1000000" },
        { "maxConcurrentBatches", 3, "3" },
        { "dispatchWhenIdle", true, "True" },
        { "sortByLength", false, "False" },
        { "targetP95Ms", 250, "250" },
    };

    [Fact]
    public void Every_option_in_the_table_is_covered_here()
    {
        Assert.Equal(BatchingOption.All.Select(o => o.Name), EveryOption().Select(row => (string)row[0]));
    }

    [Theory]
    [MemberData(nameof(EveryOption))]
    public void Every_option_round_trips_as_one_field_of_invariant_text(string name, object value, string text)
    {
        var patch = BatchingPatch.Empty.Set(BatchingOption.Find(name)!, value);

        var entry = Assert.Single(BatchingFields.ToEntries(patch));
        Assert.Equal(name, entry.Name.ToString());
        Assert.Equal(text, entry.Value.ToString());

        var errors = new List<string>();
        Assert.Equal(patch, BatchingFields.FromEntries([entry], errors));
        Assert.Empty(errors);
    }

    [Fact]
    public void A_real_number_keeps_every_digit_and_no_culture_changes_the_text()
    {
        var option = BatchingOption.Of(nameof(BatchingOptions.MinPaddingEfficiency));
        var culture = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE"); // writes 0,1
            var entry = Assert.Single(BatchingFields.ToEntries(BatchingPatch.Empty.Set(option, 1.0 / 3)));

            Assert.Equal("0.3333333333333333", entry.Value.ToString());
            Assert.True(BatchingFields.FromEntries([entry], []).TryGet(option, out var back));
            Assert.Equal(1.0 / 3, back);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = culture;
        }
    }

    [Fact]
    public void The_fields_read_back_are_only_the_options_and_the_version_fields_are_left_alone()
    {
        HashEntry[] stored =
        [
            new(BatchingFields.Version, "4"), new(BatchingFields.Epoch, "abc"), new(BatchingFields.Whole, "1"),
            new("maxWaitMs", "2"), new("sortByLength", "true"), new("optionOfANewerVersion", "x"),
        ];
        var errors = new List<string>();

        var patch = BatchingFields.FromEntries(stored, errors);

        Assert.Empty(errors);
        Assert.Equal("{maxWaitMs=2, sortByLength=True}", patch.ToString());
    }

    [Theory]
    [InlineData("maxWaitMs", "soon", "maxWaitMs holds 'soon', which is not a whole number.")]
    [InlineData("maxBatchSize", "7.5", "maxBatchSize holds '7.5', which is not a whole number.")]
    [InlineData("maxBatchSize", "", "maxBatchSize holds '', which is not a whole number.")]
    [InlineData("minPaddingEfficiency", "0,9", "minPaddingEfficiency holds '0,9', which is not a number.")]
    [InlineData("dispatchWhenIdle", "yes", "dispatchWhenIdle holds 'yes', which is not true or false.")]
    public void A_value_that_cannot_be_read_is_an_error_naming_the_field(string name, string text, string error)
    {
        var errors = new List<string>();

        var patch = BatchingFields.FromEntries([new(name, text), new("maxQueueLength", "9")], errors);

        Assert.Equal(error, Assert.Single(errors));
        Assert.Equal("{maxQueueLength=9}", patch.ToString()); // the readable fields are still read
    }

    [Fact]
    public void A_number_that_breaks_a_rule_is_read_as_stored_and_left_to_validation()
    {
        var errors = new List<string>();

        var options = BatchingFields.FromEntries([new("minPaddingEfficiency", "NaN"), new("maxBatchSize", "0")], errors).ApplyTo(new BatchingOptions());

        Assert.Empty(errors);
        Assert.Equal(2, options.Validate().Count);
    }
}
