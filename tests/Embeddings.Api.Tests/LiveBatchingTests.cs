using System.Globalization;

namespace Embeddings.Api.Tests;

/// <summary>A live PUT of batching options changes the batches the server forms, with no restart.</summary>
public sealed class LiveBatchingTests() : OwnApi(new ApiFactory())
{
    [Fact]
    public async Task Put_batching_changes_the_observed_batch_size_live()
    {
        await PutAsync(new { maxBatchSize = 8, maxWaitMs = 500 });
        Assert.Equal(8, await LargestBatchForAsync(20, "eight"));

        var updated = await PutAsync(new { maxBatchSize = 4 });
        Assert.Equal(4, updated["batching"]!["maxBatchSize"]!.GetValue<int>());
        Assert.Equal(500, updated["batching"]!["maxWaitMs"]!.GetValue<int>());
        Assert.Equal(2, updated["config"]!["version"]!.GetValue<long>());
        Assert.Equal(4, await LargestBatchForAsync(20, "four"));

        using var info = await Client.GetAsync(new Uri($"/models/{ApiFactory.MiniLm}", UriKind.Relative));
        var model = await Json.ReadAsync(info);
        Assert.Equal(4, model["batching"]!["maxBatchSize"]!.GetValue<int>());
        Assert.Equal(8, model["stats"]!["largestBatch"]!.GetValue<int>());
    }

    /// <summary>Sends one request of <paramref name="count"/> texts of one token length (so no length split) and reads x-batch-size.</summary>
    private async Task<int> LargestBatchForAsync(int count, string tag)
    {
        var inputs = Enumerable.Range(0, count).Select(i => $"{tag} item {(char)('a' + i)}").ToArray();
        using var response = await Client.PostAsync(new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative), Json.Body(new { inputs }));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(count, Json.Embeddings(await Json.ReadAsync(response)).Length);
        return int.Parse(response.Headers.GetValues("x-batch-size").Single(), CultureInfo.InvariantCulture);
    }

    private async Task<System.Text.Json.Nodes.JsonNode> PutAsync(object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"/models/{ApiFactory.MiniLm}/batching", UriKind.Relative)) { Content = Json.Body(body) };
        request.Headers.Authorization = new("Bearer", ApiFactory.AdminKey);
        using var response = await Client.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        return await Json.ReadAsync(response);
    }
}
