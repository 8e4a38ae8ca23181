using System.Text.Json;
using Embeddings.Contracts;

namespace Embeddings.Core.Tests.Options;

/// <summary>The PUT body (<see cref="BatchingPatch"/>): any subset of the options, in today's JSON shape, every option
/// round-tripping; unknown members, repeated members and values of the wrong type refused with the member named.</summary>
public class BatchingPatchTests
{
    /// <summary>The API's and the admin's settings: web defaults (names match ignoring case).</summary>
    private static readonly JsonSerializerOptions Web = JsonSerializerOptions.Web;

    public static TheoryData<string> Options() => [.. BatchingOption.All.Select(option => option.Name)];

    /// <summary>A valid value other than the default, of the option's own type.</summary>
    private static object Changed(BatchingOption option) => option.Type.Kind switch
    {
        OptionKind.Integer => (int)option.Type.Max!.Value,
        OptionKind.Real => 0.25,
        _ => !(bool)option.Default!,
    };

    private static BatchingPatch Read(string json) => JsonSerializer.Deserialize<BatchingPatch>(json, Web)!;

    [Theory]
    [MemberData(nameof(Options))]
    public void Every_option_round_trips_alone_through_the_PUT_body(string name)
    {
        var option = BatchingOption.Find(name)!;
        var value = Changed(option);
        var patch = BatchingPatch.Empty.Set(option, value);

        var json = JsonSerializer.Serialize(patch, Web);

        Assert.Equal($"{{\"{name}\":{JsonSerializer.Serialize(value)}}}", json);
        var back = Read(json);
        Assert.Equal(patch, back);
        Assert.Equal(value, option.Get(back.ApplyTo(new BatchingOptions())));
    }

    [Fact]
    public void The_PUT_body_keeps_todays_names_and_values()
    {
        const string json = """{"maxBatchSize":7,"maxWaitMs":9,"maxBatchTokens":1000,"minPaddingEfficiency":0.55,"maxQueueLength":100,"maxConcurrentBatches":3,"dispatchWhenIdle":true,"sortByLength":false}""";

        var patch = Read(json);

        Assert.Equal(
            new BatchingOptions
            {
                MaxBatchSize = 7, MaxWaitMs = 9, MaxBatchTokens = 1000, MinPaddingEfficiency = 0.55, MaxQueueLength = 100,
                MaxConcurrentBatches = 3, DispatchWhenIdle = true, SortByLength = false,
            },
            patch.ApplyTo(new BatchingOptions()));
        Assert.Equal(json, JsonSerializer.Serialize(patch, Web));
    }

    [Fact]
    public void Any_subset_sets_those_options_and_keeps_the_rest()
    {
        var current = new BatchingOptions { MaxBatchSize = 16, MaxConcurrentBatches = 2 };

        Assert.Equal(current, Read("{}").ApplyTo(current));
        Assert.True(Read("{}").IsEmpty);
        Assert.Equal(current with { MaxWaitMs = 0, DispatchWhenIdle = true }, Read("""{"dispatchWhenIdle": true, "maxWaitMs": 0}""").ApplyTo(current));
    }

    [Fact]
    public void Values_are_read_as_sent_even_out_of_range_for_validation_to_refuse()
    {
        var options = Read("""{"maxBatchSize": 0, "minPaddingEfficiency": 1.5}""").ApplyTo(new BatchingOptions());

        Assert.Equal(2, options.Validate().Count);
    }

    [Fact]
    public void Member_names_match_ignoring_case_only_when_the_options_say_so()
    {
        Assert.Equal(Read("""{"maxBatchSize": 8}"""), Read("""{"MaxBatchSize": 8}"""));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<BatchingPatch>("""{"MaxBatchSize": 8}""", JsonSerializerOptions.Default));
    }

    [Theory]
    [InlineData("""{"colour": "red"}""", "'colour' is not a batching option; they are maxBatchSize, maxWaitMs, maxBatchTokens, minPaddingEfficiency, maxQueueLength, maxConcurrentBatches, dispatchWhenIdle, sortByLength, targetP95Ms.")]
    [InlineData("""{"maxBatchSize": 8, "maxbatchsize": 9}""", "maxBatchSize appears more than once.")]
    [InlineData("""{"maxBatchSize": "8"}""", "maxBatchSize must be a whole number (was a string).")]
    [InlineData("""{"maxBatchSize": 8.5}""", "maxBatchSize must be a whole number (was 8.5).")]
    [InlineData("""{"maxBatchSize": 1e99}""", "maxBatchSize must be a whole number (was 1e99).")]
    [InlineData("""{"maxBatchSize": null}""", "maxBatchSize must be a whole number (was null).")]
    [InlineData("""{"maxBatchSize": [8]}""", "maxBatchSize must be a whole number (was an array).")]
    [InlineData("""{"maxWaitMs": {"value": 8}}""", "maxWaitMs must be a whole number (was an object).")]
    [InlineData("""{"minPaddingEfficiency": "0.5"}""", "minPaddingEfficiency must be a number (was a string).")]
    [InlineData("""{"minPaddingEfficiency": 1e999}""", "minPaddingEfficiency must be a number (was 1e999).")]
    [InlineData("""{"minPaddingEfficiency": true}""", "minPaddingEfficiency must be a number (was a boolean).")]
    [InlineData("""{"sortByLength": 1}""", "sortByLength must be true or false (was 1).")]
    [InlineData("""{"dispatchWhenIdle": "true"}""", "dispatchWhenIdle must be true or false (was a string).")]
    [InlineData("""["maxBatchSize"]""", "The batching options must be a JSON object, such as {\"maxBatchSize\": 16}.")]
    public void A_body_that_is_not_a_subset_of_the_options_is_refused_naming_what_is_wrong(string json, string message)
    {
        var error = Assert.Throws<JsonException>(() => Read(json));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Then_lays_the_later_patch_over_the_earlier()
    {
        var maxBatchSize = BatchingOption.Of(nameof(BatchingOptions.MaxBatchSize));
        var maxWaitMs = BatchingOption.Of(nameof(BatchingOptions.MaxWaitMs));
        var earlier = BatchingPatch.Empty.Set(maxBatchSize, 8).Set(maxWaitMs, 1);
        var later = BatchingPatch.Empty.Set(maxWaitMs, 2);

        Assert.Equal(BatchingPatch.Empty.Set(maxBatchSize, 8).Set(maxWaitMs, 2), earlier.Then(later));
        Assert.Equal(earlier, earlier.Then(BatchingPatch.Empty));
    }

    [Fact]
    public void Between_two_options_holds_exactly_what_differs()
    {
        var before = new BatchingOptions();

        Assert.True(BatchingPatch.Between(before, before).IsEmpty);
        var patch = BatchingPatch.Between(before, before with { MaxBatchSize = 7, SortByLength = false });
        Assert.Equal("{maxBatchSize=7, sortByLength=False}", patch.ToString());
    }

    [Fact]
    public void A_value_of_another_type_cannot_be_set()
    {
        var option = BatchingOption.Of(nameof(BatchingOptions.MaxBatchSize));

        Assert.Throws<ArgumentException>(() => BatchingPatch.Empty.Set(option, 8L));
        Assert.Throws<ArgumentException>(() => BatchingPatch.Empty.Set(option, "8"));
        Assert.Throws<ArgumentException>(() => BatchingPatch.Empty.Set(option, null));
    }

    [Fact]
    public void The_answers_batching_keeps_todays_shape()
    {
        var json = JsonSerializer.Serialize(new BatchingOptions { MaxConcurrentBatches = 2 }, Web);

        Assert.Equal(
            """{"maxBatchSize":32,"maxWaitMs":5,"maxBatchTokens":4096,"minPaddingEfficiency":0.9,"maxQueueLength":4096,"maxConcurrentBatches":2,"dispatchWhenIdle":false,"sortByLength":true,"targetP95Ms":null}""",
            json);
    }
}
