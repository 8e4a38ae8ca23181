using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Embeddings.Testing;

namespace Embeddings.Core.Tests.Batching;

public class IntegrationTests
{
    private static readonly SimulatedModelOptions Model = new() { CostPerBatch = TimeSpan.FromMilliseconds(1) };

    [Fact]
    public async Task Hundred_concurrent_requests_all_complete_with_their_own_results()
    {
        await using var rig = Rig.Create(
            new BatchingOptions { MaxBatchSize = 16, MaxWaitMs = 2, MaxConcurrentBatches = 2 }, model: Model, time: TimeProvider.System);
        var inputs = Enumerable.Range(0, 100)
            .Select(i => new ModelInput(Rig.Text(1 + (i * 7 % 30), i), Normalize: i % 3 != 0))
            .ToArray();

        var answers = await Task.WhenAll(inputs.Select(input => Task.Run(() => rig.Processor.SubmitAsync(rig.Id, input))))
            .WaitAsync(Rig.Guard);

        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(rig.Model.ExpectedVector(inputs[i].Text, normalize: inputs[i].Normalize), answers[i].Vector);
            Assert.InRange(answers[i].Timings.BatchSize, 1, 16);
        }

        var stats = rig.Processor.GetStats(rig.Id);
        Assert.Equal(100, stats.Inputs);
        Assert.Equal(100, stats.Completed);
        Assert.Equal(inputs.Sum(i => rig.Model.Tokenize(i.Text, true).Count), stats.RealTokens);
        Assert.Equal(rig.Model.Batches.Count, stats.Batches);
        Assert.InRange(stats.AverageBatchSize, 1, 16);
        Assert.InRange(stats.PaddingEfficiency, 0.01, 1);
    }

    [Fact]
    public async Task Submit_batch_returns_results_in_input_order()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 10, MinPaddingEfficiency = 0 }, model: Model); // one batch
        var inputs = Enumerable.Range(0, 10).Select(i => new ModelInput(Rig.Text(10 - i, i))).ToArray();

        var answers = await rig.Processor.SubmitBatchAsync(rig.Id, inputs).WaitAsync(Rig.Guard);

        Assert.Equal(10, answers.Count);
        for (var i = 0; i < inputs.Length; i++)
        {
            rig.AssertAnswer(inputs[i].Text, answers[i]);
        }

        Assert.Empty(await rig.Processor.SubmitBatchAsync(rig.Id, []));
    }

    [Fact]
    public async Task Normalisation_and_bad_input_are_answered_and_a_refusal_is_a_value()
    {
        await using var rig = Rig.Create(new BatchingOptions { MaxWaitMs = 0 }, model: Model);

        var normalised = await rig.Processor.SubmitAsync(rig.Id, new ModelInput("find me")).WaitAsync(Rig.Guard);
        Assert.Equal(rig.Model.ExpectedVector("find me", normalize: true), normalised.Vector);
        Assert.Equal(1, Norm(normalised.Vector), 5);

        var raw = await rig.Processor.SubmitAsync(rig.Id, new ModelInput("find me", Normalize: false)).WaitAsync(Rig.Guard);
        Assert.Equal(SimulatedEmbeddingModel.VectorFor(rig.Model.Tokenize("find me", true).Ids, 32), raw.Vector);

        Assert.IsType<ModelNotFoundException>(rig.Processor.Submit("nope", [new ModelInput("x")]).Refusal);
        Assert.IsType<InputTooLongException>(rig.Processor.Submit(rig.Id, [new ModelInput(Rig.Text(600, 0), Truncate: false)]).Refusal);

        // A bad input in a call refuses the whole call before anything is queued: no answers, and a refusal to answer with.
        var refused = rig.Processor.Submit(rig.Id, [new ModelInput("fine"), new ModelInput("   ")]);
        Assert.Null(refused.Answers);
        Assert.IsAssignableFrom<InvalidInputException>(refused.Refusal);
        Assert.Equal(2, rig.Processor.GetStats(rig.Id).Inputs); // refused inputs never entered
    }

    private static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));
}
