using Embeddings.Admin.Components.Stats;

namespace Embeddings.Admin.Tests.Stats;

/// <summary>The history charts' axis maths: round y steps with about five lines, a top line that a change marker
/// reaches, and time labels spaced to the span shown.</summary>
public class ChartAxesTests
{
    [Theory]
    [InlineData(0, 1, 1)] // nothing yet: one line, at 1
    [InlineData(0.3, 1, 1)] // steps never go below 1
    [InlineData(1, 1, 1)]
    [InlineData(2.5, 1, 3)]
    [InlineData(5, 1, 5)]
    [InlineData(7, 2, 8)]
    [InlineData(10, 2, 10)] // an exact multiple stays the top
    [InlineData(26, 10, 30)]
    [InlineData(140, 50, 150)]
    [InlineData(800, 200, 800)]
    [InlineData(1000, 200, 1000)]
    [InlineData(1001, 500, 1500)]
    [InlineData(123_456, 50_000, 150_000)]
    public void The_step_is_1_2_or_5_times_a_power_of_ten_and_the_top_the_first_step_at_or_above_the_max(double max, int step, double top)
    {
        Assert.Equal((step, top), ChartAxes.Scale(max));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3.7)]
    [InlineData(99)]
    [InlineData(4_999)]
    [InlineData(86_400_000)]
    public void About_five_lines_cover_any_max(double max)
    {
        var (step, top) = ChartAxes.Scale(max);

        Assert.InRange(top, max, max + step);
        Assert.InRange(top / step, 1, 10);
        Assert.Equal(0, top % step);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(-5)]
    public void A_max_that_is_not_a_finite_positive_number_gives_the_empty_scale_not_an_error(double max)
    {
        Assert.Equal((1, 1d), ChartAxes.Scale(max));
    }

    [Fact]
    public void A_huge_max_keeps_the_step_an_int_and_the_lines_few()
    {
        var (step, top) = ChartAxes.Scale(1e15);

        Assert.Equal(ChartAxes.MaxStep, step);
        Assert.InRange(top / step, 1, 10);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(30, 10)]
    [InlineData(60, 10)]
    [InlineData(61, 30)]
    [InlineData(180, 30)]
    [InlineData(181, 60)]
    [InlineData(300, 60)]
    public void Time_labels_are_10_s_apart_up_to_a_minute_30_s_up_to_three_then_a_minute(int spanSeconds, int spacingSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(spacingSeconds), ChartAxes.LabelSpacing(TimeSpan.FromSeconds(spanSeconds)));
    }
}
