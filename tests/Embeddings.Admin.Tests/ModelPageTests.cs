using System.Net;
using Bunit;
using Embeddings.Admin.Components.Pages;
using Embeddings.Admin.Tests.Support;
using Embeddings.Contracts;

namespace Embeddings.Admin.Tests;

/// <summary>The model page: the applied config and where it came from, a change applied through the form, history
/// shown at once, and failed calls shown rather than thrown.</summary>
public class ModelPageTests : AdminTestContext
{
    private IRenderedComponent<ModelPage> RenderPage() => Render<ModelPage>(p => p.Add(x => x.Id, Data.MiniLm));

    [Fact]
    public void Shows_the_config_version_and_who_changed_it_when()
    {
        Api.Answer(HttpMethod.Get, $"/models/{Data.MiniLm}", Data.Model(Data.MiniLm, version: 3, updatedBy: "admin dashboard (signed in from 10.0.0.9)"));
        Time.Advance(TimeSpan.FromMinutes(2));

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal("Config version 3", page.Find("[data-testid=config-version]").TextContent), Limit);
        var info = page.Find("[data-testid=config-info]").TextContent;
        Assert.Contains("changed 2026-11-29 12:00:00 UTC (2 min ago)", info);
        Assert.Contains("by admin dashboard (signed in from 10.0.0.9)", info);
    }

    [Fact]
    public void Shows_an_int8_model_with_its_cosine_to_fp32()
    {
        Api.Answer(HttpMethod.Get, $"/models/{Data.MiniLm}",
            Data.Model(Data.MiniLm) with { Precision = "int8", Quality = new PrecisionQuality(0.99734, 0.98231, 322) });

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal(
            "int8 · cosine to fp32 0.9973 mean, 0.9823 min (322 sentences)", page.Find("[data-testid=precision]").TextContent.Trim()), Limit);
    }

    [Fact]
    public void Shows_an_fp32_model_as_fp32()
    {
        Api.Answer(HttpMethod.Get, $"/models/{Data.MiniLm}", Data.Model(Data.MiniLm));

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal("fp32", page.Find("[data-testid=precision]").TextContent.Trim()), Limit);
    }

    [Fact]
    public async Task An_applied_change_updates_the_version_shown()
    {
        Api.Answer(HttpMethod.Get, $"/models/{Data.MiniLm}", Data.Model(Data.MiniLm));
        Api.Answer(HttpMethod.Put, $"/models/{Data.MiniLm}/batching",
            new BatchingState(Data.Defaults with { MaxBatchSize = 7 }, new BatchingConfigInfo(1, Data.Noon, "admin dashboard", "memory")));
        var page = RenderPage();
        page.WaitForAssertion(() => page.Find("input[data-testid=max-batch-size]"), Limit);

        page.Find("input[data-testid=max-batch-size]").Input("7");
        await page.Find("button[data-testid=apply]").ClickAsync(new()).WaitAsync(Limit);

        page.WaitForAssertion(() => Assert.Equal("Config version 1", page.Find("[data-testid=config-version]").TextContent), Limit);
        Assert.Equal("""{"maxBatchSize":7}""", Assert.Single(Api.Sent(HttpMethod.Put)).Body);
        Assert.Equal("7", page.Find("input[data-testid=max-batch-size]").GetAttribute("value"));
        Assert.Empty(page.FindAll("[data-testid=pending-changes]"));
    }

    [Fact]
    public void Opening_the_page_shows_the_history_already_collected_with_config_changes_marked()
    {
        Api.Answer(HttpMethod.Get, $"/models/{Data.MiniLm}", Data.Model(Data.MiniLm, version: 2));
        for (var second = 0; second < 10; second++)
        {
            var at = Data.Noon.AddSeconds(second);
            Live.Record(at, "Healthy", Data.Cluster(at, [], Data.Live(Data.MiniLm, 20 + second, version: second < 6 ? 1 : 2)), models: null);
        }

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal("10", page.Find("[data-testid=history-charts]").GetAttribute("data-samples")), Limit);
        Assert.NotNull(page.Find("[data-testid=chart-throughput]"));
        Assert.NotNull(page.Find("[data-testid=chart-latency-p95]"));
        Assert.NotNull(page.Find("[data-testid=chart-batch-size]"));
        Assert.NotNull(page.Find("[data-testid=chart-queue-depth]"));
        Assert.Contains("12:00:06 UTC v1 → v2", page.Find("[data-testid=config-changes]").TextContent);
    }

    [Fact]
    public async Task A_change_made_elsewhere_is_read_again_and_untouched_fields_follow_it()
    {
        Api.AnswerText(HttpMethod.Get, "/health", "Healthy");
        Api.Answer(HttpMethod.Get, "/models", new[] { Data.Model(Data.MiniLm) });
        Api.Answer(HttpMethod.Get, $"/models/{Data.MiniLm}", Data.Model(Data.MiniLm, version: 1));
        Api.Answer(HttpMethod.Get, "/stats", Data.Cluster(Data.Noon, [], Data.Live(Data.MiniLm, 10, version: 1)));
        await PollAsync();
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Equal("Config version 1", page.Find("[data-testid=config-version]").TextContent), Limit);
        await PollAsync();
        page.Find("input[data-testid=max-wait-ms]").Input("9");

        Api.Answer(HttpMethod.Get, $"/models/{Data.MiniLm}", Data.Model(Data.MiniLm, Data.Defaults with { MaxBatchSize = 64, MaxWaitMs = 1 }, version: 2, updatedBy: "someone else"));
        Api.Answer(HttpMethod.Get, "/stats", Data.Cluster(Data.Noon.AddSeconds(1), [], Data.Live(Data.MiniLm, 10, version: 2)));
        await PollAsync();

        page.WaitForAssertion(() => Assert.Equal("Config version 2", page.Find("[data-testid=config-version]").TextContent), Limit);
        Assert.Equal("someone else", page.Find("[data-testid=config-updated-by]").TextContent);
        Assert.Equal("64", page.Find("input[data-testid=max-batch-size]").GetAttribute("value"));
        Assert.Equal("9", page.Find("input[data-testid=max-wait-ms]").GetAttribute("value"));
    }

    [Fact]
    public async Task A_change_that_lands_between_the_pages_read_and_the_first_poll_is_read_again()
    {
        Api.AnswerText(HttpMethod.Get, "/health", "Healthy");
        Api.Answer(HttpMethod.Get, "/models", new[] { Data.Model(Data.MiniLm) });
        Api.Answer(HttpMethod.Get, $"/models/{Data.MiniLm}", Data.Model(Data.MiniLm, version: 1));
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Equal("Config version 1", page.Find("[data-testid=config-version]").TextContent), Limit);

        Api.Answer(HttpMethod.Get, $"/models/{Data.MiniLm}", Data.Model(Data.MiniLm, Data.Defaults with { MaxBatchSize = 64 }, version: 2));
        Api.Answer(HttpMethod.Get, "/stats", Data.Cluster(Data.Noon, [], Data.Live(Data.MiniLm, 10, version: 2)));
        await PollAsync();

        page.WaitForAssertion(() => Assert.Equal("Config version 2", page.Find("[data-testid=config-version]").TextContent), Limit);
        Assert.Equal("64", page.Find("input[data-testid=max-batch-size]").GetAttribute("value"));
    }

    [Fact]
    public async Task Leaving_the_page_cancels_its_read()
    {
        var read = Api.Hold(HttpMethod.Get, $"/models/{Data.MiniLm}");
        RenderPage();
        var request = await read.Started.WaitAsync(Limit);
        Assert.False(request.IsCancellationRequested);

        await DisposeComponentsAsync(); // as the renderer does when the person navigates away

        await read.Cancelled.WaitAsync(Limit);
        Assert.True(request.IsCancellationRequested);
    }

    [Fact]
    public void An_unknown_model_shows_the_APIs_answer()
    {
        Api.AnswerProblem(HttpMethod.Get, $"/models/{Data.MiniLm}", HttpStatusCode.NotFound, "Unknown model 'all-minilm-l6-v2'.");

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Contains("The API answered 404 Not Found: Unknown model", page.Find("[data-testid=model-error]").TextContent), Limit);
    }

    [Fact]
    public void An_unreachable_API_is_shown_and_the_page_can_try_again()
    {
        Api.Unreachable(HttpMethod.Get, $"/models/{Data.MiniLm}");
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Contains("The API is unreachable", page.Find("[data-testid=model-error]").TextContent), Limit);

        Api.Answer(HttpMethod.Get, $"/models/{Data.MiniLm}", Data.Model(Data.MiniLm, version: 1, updatedBy: "someone"));
        page.Find("[data-testid=model-error] button").Click();

        page.WaitForAssertion(() => Assert.Equal("Config version 1", page.Find("[data-testid=config-version]").TextContent), Limit);
        Assert.Empty(page.FindAll("[data-testid=model-error]"));
    }
}
