using System.Net;
using Embeddings.Admin.Api;
using Embeddings.Admin.Tests.Support;
using Embeddings.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Embeddings.Admin.Tests;

/// <summary>Every way a call can fail comes out of the typed client as one <see cref="ApiException"/> that says what
/// happened; changes carry the admin key and who made them.</summary>
public class ApiClientTests : AdminTestContext
{
    private EmbeddingsApiClient Client => Services.GetRequiredService<EmbeddingsApiClient>();

    [Fact]
    public async Task A_refusal_shows_the_problems_detail()
    {
        Api.AnswerProblem(HttpMethod.Put, $"/models/{Data.MiniLm}/batching", HttpStatusCode.BadRequest, "maxBatchSize must be between 1 and 4096 (was 0).");

        var error = await Assert.ThrowsAsync<ApiException>(() =>
            Client.UpdateBatchingAsync(Data.MiniLm, Data.Patch(nameof(BatchingOptions.MaxBatchSize), 0), "me", CancellationToken.None).WaitAsync(Limit));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("The API answered 400 Bad Request: maxBatchSize must be between 1 and 4096 (was 0).", error.Message);
    }

    [Fact]
    public async Task An_unreachable_API_says_so()
    {
        Api.Unreachable(HttpMethod.Get, "/stats");

        var error = await Assert.ThrowsAsync<ApiException>(() => Client.GetStatsAsync(CancellationToken.None).WaitAsync(Limit));

        Assert.StartsWith("The API is unreachable: Connection refused", error.Message);
    }

    [Fact]
    public async Task An_answer_that_is_not_the_expected_JSON_says_it_could_not_be_read()
    {
        Api.AnswerText(HttpMethod.Get, "/stats", "<html>a proxy's error page</html>");

        var error = await Assert.ThrowsAsync<ApiException>(() => Client.GetStatsAsync(CancellationToken.None).WaitAsync(Limit));

        Assert.StartsWith("The API's answer could not be read", error.Message);
    }

    [Fact]
    public async Task An_unhealthy_API_is_an_answer_not_an_error()
    {
        Api.AnswerText(HttpMethod.Get, "/health", "Unhealthy", HttpStatusCode.ServiceUnavailable);

        Assert.Equal("Unhealthy", await Client.GetHealthAsync(CancellationToken.None).WaitAsync(Limit));
    }

    [Fact]
    public async Task A_reset_carries_the_admin_key_and_who_made_it()
    {
        Api.Answer(HttpMethod.Delete, $"/models/{Data.MiniLm}/batching", new BatchingState(Data.Defaults, new BatchingConfigInfo(3, Data.Noon, "me", "memory")));

        var state = await Client.ResetBatchingAsync(Data.MiniLm, "admin dashboard (signed in from 192.0.2.7)", CancellationToken.None).WaitAsync(Limit);

        Assert.Equal(3, state.Config.Version);
        var sent = Assert.Single(Api.Requests);
        Assert.Equal($"Bearer {AdminKey}", sent.Authorization);
        Assert.Equal("admin dashboard (signed in from 192.0.2.7)", sent.UpdatedBy);
    }

    [Fact]
    public async Task Reads_do_not_carry_the_admin_key()
    {
        Api.Answer(HttpMethod.Get, "/models/a%20b", Data.Model("a b"));

        Assert.Equal("a b", (await Client.GetModelAsync("a b", CancellationToken.None).WaitAsync(Limit)).Id);
        Assert.Null(Assert.Single(Api.Requests).Authorization);
    }
}
