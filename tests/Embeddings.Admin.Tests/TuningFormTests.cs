using System.Net;
using Bunit;
using Embeddings.Admin.Components.Tuning;
using Embeddings.Admin.Tests.Support;
using Embeddings.Admin.Tuning;
using Embeddings.Contracts;

namespace Embeddings.Admin.Tests;

/// <summary>The tuning form: its fields and ranges come from the Contracts, an invalid value is shown beside its field
/// and cannot be sent, and Apply sends exactly what changed, through the real typed client.</summary>
public class TuningFormTests : AdminTestContext
{
    private static readonly string Path = $"/models/{Data.MiniLm}/batching";

    private IRenderedComponent<TuningForm> RenderForm(Action<BatchingState>? changed = null) =>
        Render<TuningForm>(p => p
            .Add(x => x.ModelId, Data.MiniLm)
            .Add(x => x.Applied, Data.Defaults)
            .Add(x => x.OnChanged, state => changed?.Invoke(state)));

    private static bool Disabled(IRenderedComponent<TuningForm> form, string testId) =>
        form.Find($"button[data-testid={testId}]").HasAttribute("disabled");

    [Fact]
    public void Renders_one_input_per_option_from_the_table_with_its_label_range_and_value_and_nothing_to_apply_yet()
    {
        var form = RenderForm();

        foreach (var option in TuningFields.Shown)
        {
            var input = form.Find($"input[data-testid={OptionText.TestId(option)}]");
            Assert.Equal(option.Type.Kind == OptionKind.Flag ? "checkbox" : "text", input.GetAttribute("type") ?? "text");
            Assert.Contains(option.Label, form.Markup);
            Assert.Contains(OptionText.Helper(option), form.Markup);
        }

        Assert.Equal(TuningFields.Shown.Count, form.FindAll("input").Count);
        Assert.Empty(form.FindAll("[data-testid=sort-by-length]"));
        Assert.Equal("32", form.Find("input[data-testid=max-batch-size]").GetAttribute("value"));
        Assert.Equal("0.9", form.Find("input[data-testid=min-padding-efficiency]").GetAttribute("value"));
        Assert.Contains("1 to 4,096: ", form.Markup);
        Assert.Contains("0 to 60,000: ", form.Markup);
        Assert.Contains("0 to 1: real ÷ padded tokens a batch keeps", form.Markup);
        Assert.True(Disabled(form, "apply"));
    }

    [Theory]
    [InlineData("max-batch-size", "0", "maxBatchSize must be between 1 and 4096 (was 0).", "2")]
    [InlineData("max-wait-ms", "60001", "maxWaitMs must be between 0 and 60000 (was 60001).", "2")]
    [InlineData("min-padding-efficiency", "1.5", "minPaddingEfficiency must be between 0 and 1 (was 1.5).", "0.5")]
    [InlineData("max-queue-length", "0", "maxQueueLength must be between 1 and 1000000 (was 0).", "2")]
    public void An_invalid_value_shows_its_error_inline_and_Apply_stays_disabled(string field, string invalid, string error, string valid)
    {
        var form = RenderForm();

        form.Find($"input[data-testid={field}]").Input(invalid);

        form.WaitForAssertion(() => Assert.Contains(error, form.Markup), Limit);
        Assert.True(Disabled(form, "apply"));

        form.Find($"input[data-testid={field}]").Input(valid);
        form.WaitForAssertion(() => Assert.DoesNotContain(error, form.Markup), Limit);
        Assert.False(Disabled(form, "apply"));
    }

    [Theory]
    [InlineData("max-batch-size", "")]
    [InlineData("max-batch-size", "seven")]
    [InlineData("max-wait-ms", "")]
    [InlineData("max-wait-ms", "seven")]
    public void A_field_left_empty_or_not_a_number_cannot_be_applied(string field, string text)
    {
        var form = RenderForm();

        form.Find($"input[data-testid={field}]").Input(text);

        form.WaitForAssertion(() => Assert.True(Disabled(form, "apply")), Limit);
        Assert.Empty(form.FindAll("[data-testid=pending-changes]"));
    }

    [Fact]
    public async Task Apply_sends_exactly_the_changed_values_with_the_admin_key_and_who_changed_them()
    {
        var applied = Data.Defaults with { MaxBatchSize = 7, DispatchWhenIdle = true };
        Api.Answer(HttpMethod.Put, Path, new BatchingState(applied, new BatchingConfigInfo(4, Data.Noon, "x", "memory")));
        BatchingState? changed = null;
        var form = RenderForm(state => changed = state);

        form.Find("input[data-testid=max-batch-size]").Input("7");
        form.Find("input[type=checkbox][data-testid=dispatch-when-idle]").Change(true);
        form.WaitForAssertion(() => Assert.Contains("maxBatchSize 32 → 7, dispatchWhenIdle False → True", form.Find("[data-testid=pending-changes]").TextContent), Limit);
        await form.Find("button[data-testid=apply]").ClickAsync(new()).WaitAsync(Limit);

        form.WaitForAssertion(() => Assert.NotNull(changed), Limit);
        var put = Assert.Single(Api.Requests);
        Assert.Equal(HttpMethod.Put, put.Method);
        Assert.Equal(Path, put.Path);
        Assert.Equal("""{"maxBatchSize":7,"dispatchWhenIdle":true}""", put.Body);
        Assert.Equal($"Bearer {AdminKey}", put.Authorization);
        Assert.Equal($"admin dashboard (signed in from {SignedInFrom})", put.UpdatedBy);
        Assert.Equal(4, changed!.Config.Version);
    }

    [Fact]
    public async Task Reset_to_defaults_deletes_the_stored_change()
    {
        Api.Answer(HttpMethod.Delete, Path, new BatchingState(Data.Defaults, new BatchingConfigInfo(5, Data.Noon, "x", "memory")));
        BatchingState? changed = null;
        var form = RenderForm(state => changed = state);

        await form.Find("button[data-testid=reset]").ClickAsync(new()).WaitAsync(Limit);

        form.WaitForAssertion(() => Assert.Equal(5, changed?.Config.Version), Limit);
        var delete = Assert.Single(Api.Requests);
        Assert.Equal(HttpMethod.Delete, delete.Method);
        Assert.Equal(Path, delete.Path);
    }

    [Fact]
    public async Task A_refused_change_shows_the_APIs_detail_and_the_form_stays_usable()
    {
        Api.AnswerProblem(HttpMethod.Put, Path, HttpStatusCode.Unauthorized, "Send a valid key as 'Authorization: Bearer <key>'.");
        var form = RenderForm();

        form.Find("input[data-testid=max-batch-size]").Input("8");
        await form.Find("button[data-testid=apply]").ClickAsync(new()).WaitAsync(Limit);

        form.WaitForAssertion(() => Assert.Equal(
            "The API answered 401 Unauthorized: Send a valid key as 'Authorization: Bearer <key>'.",
            form.Find("[data-testid=tuning-error]").TextContent.Trim()), Limit);
        Assert.False(Disabled(form, "apply"));
    }

    [Fact]
    public async Task Leaving_the_form_cancels_its_write()
    {
        var write = Api.Hold(HttpMethod.Put, Path);
        var form = RenderForm();
        form.Find("input[data-testid=max-batch-size]").Input("8");
        var click = form.Find("button[data-testid=apply]").ClickAsync(new());
        var request = await write.Started.WaitAsync(Limit);
        Assert.False(request.IsCancellationRequested);

        await DisposeComponentsAsync(); // as the renderer does when the person navigates away

        await write.Cancelled.WaitAsync(Limit);
        await click.WaitAsync(Limit); // the cancelled call ends the click quietly: nothing is thrown into the circuit
        Assert.True(request.IsCancellationRequested);
    }

    [Fact]
    public async Task An_unreachable_API_on_apply_is_shown_not_thrown()
    {
        Api.Unreachable(HttpMethod.Put, Path);
        var form = RenderForm();

        form.Find("input[data-testid=max-batch-size]").Input("8");
        await form.Find("button[data-testid=apply]").ClickAsync(new()).WaitAsync(Limit);

        form.WaitForAssertion(() => Assert.Contains("The API is unreachable", form.Find("[data-testid=tuning-error]").TextContent), Limit);
    }
}
