using Xunit.Abstractions;

namespace Embeddings.Api.Tests;

/// <summary>A batch's working memory is capped by the model's budget, whatever the batching options say: with the
/// largest limits the API accepts and a flood of the longest inputs, every input is answered and the process stays
/// well under 4 GiB (without the cap, one batch of them took 9.3 GiB).</summary>
public sealed class MemoryCapTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task With_the_largest_limits_1024_inputs_of_256_tokens_are_all_answered_within_the_memory_cap()
    {
        await using var api = await ApiProcess.StartAsync(
            $"--Embeddings:AdminKey={ApiFactory.AdminKey}",
            "--Embeddings:Cache:Enabled=false");
        using var client = api.CreateClient(Limit);
        using (var change = new HttpRequestMessage(HttpMethod.Put, new Uri("/models/all-minilm-l6-v2/batching", UriKind.Relative)))
        {
            change.Content = Json.Body(new
            {
                maxBatchSize = 4096, // the greatest each allows
                maxBatchTokens = 16_777_216,
                maxWaitMs = 2000,
            });
            change.Headers.Authorization = new("Bearer", ApiFactory.AdminKey);
            using var changed = await client.SendAsync(change);
            Assert.Equal(200, (int)changed.StatusCode);
        }

        // The model says what the cap leaves of those limits: far fewer than 4096 inputs of its full length.
        using (var described = await client.GetAsync(new Uri("/models/all-minilm-l6-v2", UriKind.Relative)))
        {
            var limits = (await Json.ReadAsync(described))["limits"]!;
            Assert.Equal(512, limits["maxBatchMemoryMB"]!.GetValue<int>());
            var atFullLength = limits["largestBatchByTokens"]!["256"]!.GetValue<int>();
            Assert.InRange(atFullLength, 16, 64);
        }

        // 4 requests of 256 inputs (the most one request takes), each input cut to 256 tokens, all at once.
        var requests = Enumerable.Range(0, 4).Select(r => client.PostAsync(new Uri("/embed/all-minilm-l6-v2", UriKind.Relative), Json.Body(new
        {
            inputs = Enumerable.Range(0, 256).Select(i => $"request {r} input {i} " + string.Join(' ', Enumerable.Repeat("tokens", 300))).ToArray(),
        }))).ToArray();
        var responses = await Task.WhenAll(requests).WaitAsync(Limit);

        foreach (var response in responses)
        {
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(256, Json.Embeddings(await Json.ReadAsync(response)).Length);
            response.Dispose();
        }

        var peak = api.PeakMemoryBytes;
        output.WriteLine($"peak RSS with the largest limits and 1024 inputs of 256 tokens: {peak / (1024.0 * 1024):0} MiB");
        Assert.True(peak < 3L * 1024 * 1024 * 1024, $"peak RSS {peak / (1024 * 1024)} MiB stays well under 4 GiB");
    }
}
