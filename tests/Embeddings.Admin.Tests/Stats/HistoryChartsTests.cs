using Bunit;
using Embeddings.Admin.Components.Stats;
using Embeddings.Admin.Live;
using Embeddings.Admin.Tests.Support;

namespace Embeddings.Admin.Tests.Stats;

/// <summary>The history charts as drawn: the y axis in the steps <see cref="ChartAxes"/> chose, time labels, and
/// labels drawn at their own size (the view box is the element's, so 12 px stays 12 px on screen).</summary>
public class HistoryChartsTests : AdminTestContext
{
    private IRenderedComponent<HistoryCharts> RenderCharts(Func<int, double> throughput, int seconds = 20) =>
        Render<HistoryCharts>(p => p.Add(x => x.Samples,
            [.. Enumerable.Range(0, seconds).Select(s => new StatsSample(
                Data.Noon.AddSeconds(s), Data.Live(Data.MiniLm, throughput(s), version: s < seconds / 2 ? 1 : 2), 1))]));

    private static List<string> Texts(IRenderedComponent<HistoryCharts> charts, string chart) =>
        [.. charts.FindAll($"[data-testid={chart}] svg text").Select(t => t.TextContent.Trim()).Where(t => t.Length > 0)];

    [Fact]
    public void The_y_axis_counts_in_round_steps_up_to_the_first_line_over_the_max()
    {
        var charts = RenderCharts(s => 7 * s); // up to 133 items/s: steps of 50, up to 150

        charts.WaitForAssertion(() => Assert.Contains("150", Texts(charts, "chart-throughput")), Limit);
        var labels = Texts(charts, "chart-throughput");
        Assert.Contains("0", labels);
        Assert.Contains("50", labels);
        Assert.Contains("100", labels);
        Assert.DoesNotContain("200", labels);
    }

    [Fact]
    public void Time_labels_are_10_seconds_apart_over_a_short_history()
    {
        var charts = RenderCharts(s => 10);

        charts.WaitForAssertion(() => Assert.Contains("12:00:10", Texts(charts, "chart-throughput")), Limit);
        Assert.Contains("12:00:00", Texts(charts, "chart-throughput"));
        Assert.DoesNotContain("12:00:05", Texts(charts, "chart-throughput"));
    }

    [Fact]
    public void The_view_box_is_the_elements_own_size_so_labels_keep_their_font_size()
    {
        var charts = RenderCharts(s => 10);

        charts.WaitForAssertion(() => Assert.NotEmpty(charts.FindAll("[data-testid=chart-throughput] svg text")), Limit);
        var svg = charts.Find("[data-testid=chart-throughput] svg");
        Assert.Equal("0 0 560 220", svg.GetAttribute("viewBox"));
        Assert.All(charts.FindAll("[data-testid=chart-throughput] svg text[font-size]"),
            text => Assert.True(double.Parse(text.GetAttribute("font-size")!.Replace("px", ""), System.Globalization.CultureInfo.InvariantCulture) >= 11));
    }

    [Fact]
    public void A_config_change_is_listed_under_the_charts()
    {
        var charts = RenderCharts(s => 10);

        Assert.Equal("Config changes: 12:00:10 UTC v1 → v2", charts.Find("[data-testid=config-changes]").TextContent.Trim());
    }
}
