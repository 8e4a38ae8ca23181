namespace Embeddings.Api.Tests;

public class ProcessLogTests
{
    [Fact]
    public void Keeps_each_entry_that_reported_a_500_with_its_exception_and_nothing_else()
    {
        var log = new ProcessLog();
        string[] lines =
        [
            "warn: Embeddings.Api.Redis.RedisGuard[1113842211]",
            "      Redis is unavailable; serving goes on without it.",
            "      StackExchange.Redis.RedisTimeoutException: Timeout awaiting response",
            "fail: Embeddings.Api.Errors.ErrorTable[1]",
            "      Unexpected error answering GET /stats; the caller gets a 500.",
            "      System.InvalidOperationException: Reading is not allowed after reader was completed.",
            "         at System.IO.Pipelines.ThrowHelper.ThrowInvalidOperationException_NoReadingAllowed()",
            "info: Microsoft.Hosting.Lifetime[0]",
            "      Application is shutting down...",
        ];
        foreach (var line in lines)
        {
            log.Add(line);
        }

        var entry = Assert.Single(log.Unexpected());
        Assert.StartsWith("fail: Embeddings.Api.Errors.ErrorTable[1]", entry, StringComparison.Ordinal);
        Assert.Contains("GET /stats", entry, StringComparison.Ordinal);
        Assert.Contains("ThrowInvalidOperationException_NoReadingAllowed", entry, StringComparison.Ordinal);
        Assert.DoesNotContain("Redis is unavailable", entry, StringComparison.Ordinal);
        Assert.DoesNotContain("shutting down", entry, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entry_cut_off_by_the_end_of_the_output_still_counts()
    {
        var log = new ProcessLog();
        log.Add("fail: Embeddings.Api.Errors.ErrorTable[1]");
        log.Add("      Unexpected error answering PUT /models/m/batching; the caller gets a 500.");
        log.Add(null);

        Assert.Contains("PUT /models/m/batching", Assert.Single(log.Unexpected()), StringComparison.Ordinal);
    }
}
