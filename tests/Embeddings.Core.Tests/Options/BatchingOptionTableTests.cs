using System.Text.Json;
using Embeddings.Contracts;

namespace Embeddings.Core.Tests.Options;

/// <summary>The one table of batching options, read from <see cref="BatchingOptions"/>: each option once, described
/// whole; and the kind-level behaviour every option shares, nullable options (null: off) included.</summary>
public class BatchingOptionTableTests
{
    [Fact]
    public void The_table_describes_each_option_once_in_declaration_order()
    {
        var rows = BatchingOption.All.Select(o => (o.Name, o.PropertyName, o.Type, o.Default, o.InForm)).ToList();

        Assert.Equal(
            [
                ("maxBatchSize", "MaxBatchSize", new OptionType(OptionKind.Integer, false, 1, 4096), (object?)32, true),
                ("maxWaitMs", "MaxWaitMs", new OptionType(OptionKind.Integer, false, 0, 60_000), 5, true),
                ("maxBatchTokens", "MaxBatchTokens", new OptionType(OptionKind.Integer, false, 1, 16_777_216), 4096, true),
                ("minPaddingEfficiency", "MinPaddingEfficiency", new OptionType(OptionKind.Real, false, 0, 1), 0.9, true),
                ("maxQueueLength", "MaxQueueLength", new OptionType(OptionKind.Integer, false, 1, 1_000_000), 4096, true),
                ("maxConcurrentBatches", "MaxConcurrentBatches", new OptionType(OptionKind.Integer, false, 1, 256), Environment.ProcessorCount, true),
                ("dispatchWhenIdle", "DispatchWhenIdle", new OptionType(OptionKind.Flag, false), false, true),
                ("sortByLength", "SortByLength", new OptionType(OptionKind.Flag, false), true, false),
                ("targetP95Ms", "TargetP95Ms", new OptionType(OptionKind.Integer, true, 10, 60_000), null, true),
            ],
            rows);
    }

    [Fact]
    public void Every_option_has_a_label_and_help_text_and_a_name_that_JSON_gives_the_answers()
    {
        var answer = JsonSerializer.SerializeToNode(new BatchingOptions(), JsonSerializerOptions.Web)!.AsObject();

        Assert.Equal(BatchingOption.All.Select(o => o.Name), answer.Select(member => member.Key));
        Assert.All(BatchingOption.All, option =>
        {
            Assert.False(string.IsNullOrWhiteSpace(option.Label));
            Assert.False(string.IsNullOrWhiteSpace(option.Help));
        });
        Assert.Equal("Max wait (ms)", BatchingOption.Of(nameof(BatchingOptions.MaxWaitMs)).Label);
    }

    [Fact]
    public void An_option_is_found_by_its_name_or_its_property()
    {
        Assert.Same(BatchingOption.Of(nameof(BatchingOptions.MaxWaitMs)), BatchingOption.Find("maxWaitMs"));
        Assert.Same(BatchingOption.Find("maxWaitMs"), BatchingOption.Find("MAXWAITMS", ignoreCase: true));
        Assert.Null(BatchingOption.Find("MAXWAITMS"));
        Assert.Null(BatchingOption.Find("colour"));
        Assert.Throws<ArgumentException>(() => BatchingOption.Of("Colour"));
    }

    [Fact]
    public void Get_and_With_read_and_set_the_typed_property_on_a_copy()
    {
        var option = BatchingOption.Of(nameof(BatchingOptions.MinPaddingEfficiency));
        var before = new BatchingOptions();

        var after = option.With(before, 0.5);

        Assert.Equal(0.5, after.MinPaddingEfficiency);
        Assert.Equal(0.9, before.MinPaddingEfficiency);
        Assert.Equal(before with { MinPaddingEfficiency = 0.5 }, after);
        Assert.Equal(0.5, option.Get(after));
        Assert.Throws<ArgumentException>(() => option.With(before, 1)); // an int is not a double here: no silent conversions
        Assert.Throws<ArgumentException>(() => option.With(before, null));
    }

    [Fact]
    public void A_nullable_option_takes_null_as_off_everywhere_its_kind_is_handled()
    {
        // As the coming targetP95Ms (int?, null: off) will be described.
        var type = new OptionType(OptionKind.Integer, Nullable: true, Min: 1, Max: 60_000);

        Assert.True(type.Accepts(null));
        Assert.True(type.Accepts(250));
        Assert.Null(type.Check("targetP95Ms", null));
        Assert.Equal("targetP95Ms must be between 1 and 60000 or null (off) (was 0).", type.Check("targetP95Ms", 0));
        Assert.Equal("", OptionType.Text(null));
        Assert.True(type.TryParse("", out var off));
        Assert.Null(off);
        Assert.Equal("a whole number, or null", type.Expected);

        var reader = new Utf8JsonReader("null"u8);
        reader.Read();
        Assert.Null(type.Read(ref reader, "targetP95Ms"));
    }

    [Fact]
    public void An_option_that_cannot_be_off_refuses_null()
    {
        var type = BatchingOption.Of(nameof(BatchingOptions.MaxWaitMs)).Type;

        Assert.False(type.Accepts(null));
        Assert.False(type.TryParse("", out _));
        var reader = new Utf8JsonReader("null"u8);
        reader.Read();
        try
        {
            type.Read(ref reader, "maxWaitMs");
            Assert.Fail("null was read as a whole number");
        }
        catch (JsonException error)
        {
            Assert.Equal("maxWaitMs must be a whole number (was null).", error.Message);
        }
    }
}
