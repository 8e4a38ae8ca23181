using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;

namespace Embeddings.Core.Tests;

public class BatchingOptionsTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(new BatchingOptions().Validate());
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
