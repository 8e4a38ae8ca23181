using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Embeddings.Testing;

namespace Embeddings.Core.Tests.Batching;

public class FailureTests
{
    [Fact]
    public async Task A_failing_batch_fails_each_of_its_callers_with_the_same_error_and_the_next_batch_succeeds()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 3 });
        rig.Model.FailNextBatches(1);

        var failing = Enumerable.Range(0, 3).Select(i => rig.Submit(Rig.Text(2, i))).ToArray();
        var errors = new List<ModelFailedException>();
        foreach (var task in failing)
        {
            errors.Add(await Assert.ThrowsAsync<ModelFailedException>(() => task).WaitAsync(Rig.Guard));
        }

        Assert.All(errors, e => Assert.Same(errors[0], e));
        Assert.Equal(rig.Id, errors[0].ModelId);
        Assert.IsType<InvalidOperationException>(errors[0].InnerException);

        var texts = Enumerable.Range(10, 3).Select(i => Rig.Text(2, i)).ToArray();
        var answers = await Task.WhenAll(texts.Select(t => rig.Submit(t))).WaitAsync(Rig.Guard);
        for (var i = 0; i < texts.Length; i++)
        {
            rig.AssertAnswer(texts[i], answers[i]);
        }

        var stats = rig.Processor.GetStats(rig.Id);
        Assert.Equal(1, stats.FailedBatches);
        Assert.Equal(3, stats.Failed);
        Assert.Equal(3, stats.Completed);
        Assert.Equal(2, stats.Batches);
    }

    [Fact]
    public async Task A_model_that_returns_the_wrong_number_of_vectors_fails_the_batch()
    {
        var registry = new ModelRegistry([new RegisteredModel(new ShortChangingModel(), Rig.Patient with { MaxBatchSize = 2 })]);
        await using (var processor = new Embeddings.Core.Batching.BatchProcessor(
            registry, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<Embeddings.Core.Batching.BatchProcessor>.Instance))
        {
            var tasks = new[] { processor.SubmitAsync("short", new ModelInput("a")), processor.SubmitAsync("short", new ModelInput("b")) };
            foreach (var task in tasks)
            {
                var error = await Assert.ThrowsAsync<ModelFailedException>(() => task).WaitAsync(Rig.Guard);
                Assert.Contains("1 vectors for a batch of 2", error.Message, StringComparison.Ordinal);
            }
        }

        registry.Dispose();
    }

    private sealed class ShortChangingModel : IEmbeddingModel
    {
        private readonly SimulatedEmbeddingModel _inner = new(new SimulatedModelOptions { Id = "short" });

        public ModelDescriptor Descriptor => _inner.Descriptor;

        public TokenizedInput Tokenize(string text, bool truncate) => _inner.Tokenize(text, truncate);

        public float[][] Embed(IReadOnlyList<TokenizedInput> batch, CancellationToken ct = default) => _inner.Embed(batch, ct)[..1];

        public void Dispose() => _inner.Dispose();
    }
}
