using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;

namespace Embeddings.Core.Tests.Options;

/// <summary>Every rule of <see cref="BatchingOptions.Validate"/>: each range holds at its bounds and breaks just past
/// them, with a message that names the option; a real number that is not finite never passes.</summary>
public class BatchingOptionsTests
{
    private static readonly BatchingOptions Valid = new() { MaxConcurrentBatches = 2 };

    /// <summary>Written out per option (not read from the table), so a wrong range in the table fails here.</summary>
    private static BatchingOptions With(string property, int value) => property switch
    {
        nameof(BatchingOptions.MaxBatchSize) => Valid with { MaxBatchSize = value },
        nameof(BatchingOptions.MaxWaitMs) => Valid with { MaxWaitMs = value },
        nameof(BatchingOptions.MaxBatchTokens) => Valid with { MaxBatchTokens = value },
        nameof(BatchingOptions.MaxQueueLength) => Valid with { MaxQueueLength = value },
        nameof(BatchingOptions.MaxConcurrentBatches) => Valid with { MaxConcurrentBatches = value },
        _ => throw new ArgumentOutOfRangeException(nameof(property), property, "not a whole-number option"),
    };

    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(new BatchingOptions().Validate());
    }

    [Theory]
    [InlineData(nameof(BatchingOptions.MaxBatchSize), "maxBatchSize", 1, 4096)]
    [InlineData(nameof(BatchingOptions.MaxWaitMs), "maxWaitMs", 0, 60_000)]
    [InlineData(nameof(BatchingOptions.MaxBatchTokens), "maxBatchTokens", 1, 16_777_216)]
    [InlineData(nameof(BatchingOptions.MaxQueueLength), "maxQueueLength", 1, 1_000_000)]
    [InlineData(nameof(BatchingOptions.MaxConcurrentBatches), "maxConcurrentBatches", 1, 256)]
    public void A_whole_number_holds_from_its_least_to_its_greatest_value_and_breaks_one_past_either(string property, string name, int min, int max)
    {
        Assert.Empty(With(property, min).Validate());
        Assert.Empty(With(property, max).Validate());

        Assert.Equal($"{name} must be between {min} and {max} (was {min - 1}).", Assert.Single(With(property, min - 1).Validate()));
        Assert.Equal($"{name} must be between {min} and {max} (was {max + 1}).", Assert.Single(With(property, max + 1).Validate()));
        Assert.Single(With(property, int.MinValue).Validate());
        Assert.Single(With(property, int.MaxValue).Validate());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Min_padding_efficiency_holds_from_0_to_1(double value)
    {
        Assert.Empty((Valid with { MinPaddingEfficiency = value }).Validate());
    }

    [Theory]
    [InlineData(-double.Epsilon, "-5E-324")] // the closest double below 0
    [InlineData(1.0000000000000002, "1.0000000000000002")] // the closest double above 1
    [InlineData(-1.0, "-1")]
    [InlineData(1.5, "1.5")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Min_padding_efficiency_breaks_just_past_0_or_1_and_for_what_is_not_a_finite_number(double value, string shown)
    {
        var error = Assert.Single((Valid with { MinPaddingEfficiency = value }).Validate());

        Assert.Equal($"minPaddingEfficiency must be between 0 and 1 (was {shown}).", error);
    }

    [Fact]
    public void Flags_take_either_value()
    {
        foreach (var (dispatch, sort) in new[] { (false, false), (false, true), (true, false), (true, true) })
        {
            Assert.Empty((Valid with { DispatchWhenIdle = dispatch, SortByLength = sort }).Validate());
        }
    }

    [Fact]
    public void Every_broken_rule_is_reported_in_the_tables_order()
    {
        var options = Valid with { MaxBatchSize = 0, MaxWaitMs = -1, MinPaddingEfficiency = double.NaN, MaxConcurrentBatches = 0 };

        var errors = options.Validate();

        Assert.Equal(["maxBatchSize", "maxWaitMs", "minPaddingEfficiency", "maxConcurrentBatches"], errors.Select(e => e.Split(' ')[0]));
    }

    [Fact]
    public void Invalid_values_are_refused_with_every_reason()
    {
        var options = new BatchingOptions { MaxBatchSize = 0, MaxWaitMs = -1 };

        var error = Assert.Throws<InvalidOptionsException>(() => options.EnsureValid());

        Assert.Contains("maxBatchSize", error.Message, StringComparison.Ordinal);
        Assert.Contains("maxWaitMs", error.Message, StringComparison.Ordinal);
    }
}
