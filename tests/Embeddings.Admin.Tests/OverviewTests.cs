using Bunit;
using Embeddings.Admin.Components.Pages;
using Embeddings.Admin.Tests.Support;

namespace Embeddings.Admin.Tests;

/// <summary>The overview renders what the poller read: each model's sum over the replicas and each replica on its own,
/// live; and when the API cannot be read it says why instead of failing.</summary>
public class OverviewTests : AdminTestContext
{
    private void AnswerTwoReplicas(double firstRate)
    {
        var a = Data.Live(Data.MiniLm, firstRate, p50: 11, p95: 40, batch: 6, queue: 3, padding: 0.91, cache: 0.5, version: 2);
        var b = Data.Live(Data.MiniLm, 12.5, p50: 9, p95: 55, batch: 3, queue: 1, padding: 0.95, cache: 0, version: 2);
        var sum = Data.Live(Data.MiniLm, firstRate + 12.5, p50: 11, p95: 55, batch: 5.1, queue: 4, padding: 0.92, cache: 0.35, version: 2);
        Api.AnswerText(HttpMethod.Get, "/health", "Healthy");
        Api.Answer(HttpMethod.Get, "/models", new[] { Data.Model(Data.MiniLm, version: 2) });
        Api.Answer(HttpMethod.Get, "/stats", Data.Cluster(Data.Noon, [Data.Replica("api-a", a), Data.Replica("api-b", b)], sum));
    }

    [Fact]
    public async Task Shows_each_replica_and_their_sum()
    {
        AnswerTwoReplicas(firstRate: 30);
        await PollAsync();

        var page = Render<Overview>();

        Assert.Equal("Healthy", page.Find("[data-testid=api-health]").TextContent.Trim());
        Assert.Contains("2 live replicas", page.Find("[data-testid=replica-count]").TextContent);
        var card = page.Find($"[data-testid=model-card][data-model={Data.MiniLm}]");
        Assert.Contains("42.5 items/s", card.QuerySelector("[data-testid=throughput]")!.TextContent);
        Assert.Contains("11.0 ms", card.QuerySelector("[data-testid=latency-p50]")!.TextContent);
        Assert.Contains("55.0 ms", card.QuerySelector("[data-testid=latency-p95]")!.TextContent);
        Assert.Contains("5.1", card.QuerySelector("[data-testid=batch-size]")!.TextContent);
        Assert.Contains("4", card.QuerySelector("[data-testid=queue-depth]")!.TextContent);
        Assert.Contains("0.92", card.QuerySelector("[data-testid=padding]")!.TextContent);
        Assert.Contains("35 %", card.QuerySelector("[data-testid=cache-hits]")!.TextContent);
        Assert.Contains("2", card.QuerySelector("[data-testid=replicas]")!.TextContent);
        Assert.Contains("cpu", card.TextContent);

        var rows = page.FindAll("[data-testid=replica-row]");
        Assert.Equal(2, rows.Count);
        Assert.StartsWith("api-a30.0", rows[0].TextContent.Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));
        Assert.StartsWith("api-b12.5", rows[1].TextContent.Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));
        Assert.Contains("All 2 replicas", page.Find("[data-testid=total-row]").TextContent);
        Assert.Contains("42.5", page.Find("[data-testid=total-row]").TextContent);
        Assert.Contains(Data.MiniLm, page.Find("[data-testid=models-table]").TextContent);
    }

    [Fact]
    public async Task Renders_each_new_poll_without_a_reload()
    {
        AnswerTwoReplicas(firstRate: 30);
        await PollAsync();
        var page = Render<Overview>();

        AnswerTwoReplicas(firstRate: 100);
        await PollAsync();

        // 100 + 12.5, written without decimals from 100 items/s on.

        page.WaitForAssertion(() => Assert.Contains("113 items/s", page.Find("[data-testid=throughput]").TextContent), Limit);
    }

    [Fact]
    public async Task The_model_tables_config_version_follows_a_change_made_after_the_list_was_read()
    {
        AnswerTwoReplicas(firstRate: 30);
        await PollAsync();
        var page = Render<Overview>();
        Assert.Contains("v2 (memory)", page.Find("[data-testid=models-table]").TextContent);

        Api.Answer(HttpMethod.Get, "/models", new[] { Data.Model(Data.MiniLm, version: 3) });
        Api.Answer(HttpMethod.Get, "/stats", Data.Cluster(Data.Noon.AddSeconds(1), [], Data.Live(Data.MiniLm, 30, version: 3)));
        await PollAsync();

        page.WaitForAssertion(() => Assert.Contains("v3 (memory)", page.Find("[data-testid=models-table]").TextContent), Limit);
        await PollAsync();
        Assert.Equal(2, Api.Sent(HttpMethod.Get).Count(r => r.Path == "/models")); // read on the move, not at every poll
    }

    [Fact]
    public async Task An_unreachable_API_is_shown_with_the_reason_and_the_page_recovers()
    {
        Api.Unreachable(HttpMethod.Get, "/health");
        await PollAsync();

        var page = Render<Overview>();

        Assert.Equal("Unreachable", page.Find("[data-testid=api-health]").TextContent.Trim());
        Assert.Contains("The API is unreachable: Connection refused", page.Find("[data-testid=api-error]").TextContent);

        AnswerTwoReplicas(firstRate: 30);
        await PollAsync();

        page.WaitForAssertion(() => Assert.Equal("Healthy", page.Find("[data-testid=api-health]").TextContent.Trim()), Limit);
        Assert.Empty(page.FindAll("[data-testid=api-error]"));
    }
}
