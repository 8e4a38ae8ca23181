using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Embeddings.Testing;

namespace Embeddings.Core.Tests.Batching;

public class IntegrationTests
{
    private static readonly SimulatedModelOptions Model = new()
    {
        CostPerBatch = TimeSpan.FromMilliseconds(1),
        Prompts = new Dictionary<string, string> { ["query"] = "query: ", ["passage"] = "passage: " },
    };

    [Fact]
    public async Task Hundred_concurrent_requests_all_complete_with_their_own_results()
    {
        await using var rig = Rig.Create(
            new BatchingOptions { MaxBatchSize = 16, MaxWaitMs = 2, MaxConcurrentBatches = 2 }, model: Model, time: TimeProvider.System);
        var inputs = Enumerable.Range(0, 100)
            .Select(i => new ModelInput(Rig.Text(1 + (i * 7 % 30), i), Normalize: i % 3 == 0 ? false : null, Prompt: i % 4 == 0 ? "query" : null))
            .ToArray();

        var answers = await Task.WhenAll(inputs.Select(input => Task.Run(() => rig.Processor.SubmitAsync(rig.Id, input))))
            .WaitAsync(Rig.Guard);

        for (var i = 0; i < inputs.Length; i++)
        {
            var text = inputs[i].Prompt is null ? inputs[i].Text : "query: " + inputs[i].Text;
            Assert.Equal(rig.Model.ExpectedVector(text, normalize: inputs[i].Normalize ?? true), answers[i].Vector);
            Assert.InRange(answers[i].Timings.BatchSize, 1, 16);
        }

        var stats = rig.Processor.GetStats(rig.Id);
        Assert.Equal(100, stats.Inputs);
        Assert.Equal(100, stats.Completed);
        Assert.Equal(inputs.Sum(i => rig.Model.Tokenize(i.Prompt is null ? i.Text : "query: " + i.Text, true).Count), stats.RealTokens);
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
    public async Task Prompts_normalisation_and_bad_input()
    {
        await using var rig = Rig.Create(new BatchingOptions { MaxWaitMs = 0 }, model: Model);

        var query = await rig.Processor.SubmitAsync(rig.Id, new ModelInput("find me", Prompt: "query")).WaitAsync(Rig.Guard);
        Assert.Equal(rig.Model.ExpectedVector("query: find me", normalize: true), query.Vector);
        Assert.Equal(1, Norm(query.Vector), 5);

        var raw = await rig.Processor.SubmitAsync(rig.Id, new ModelInput("find me", Normalize: false)).WaitAsync(Rig.Guard);
        Assert.Equal(SimulatedEmbeddingModel.VectorFor(rig.Model.Tokenize("find me", true).Ids, 32), raw.Vector);

        var unknownPrompt = await Assert.ThrowsAsync<InvalidInputException>(
            () => rig.Processor.SubmitAsync(rig.Id, new ModelInput("x", Prompt: "question")));
        Assert.Contains("its prompts: passage, query", unknownPrompt.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidInputException>(() => rig.Processor.SubmitAsync(rig.Id, new ModelInput("   ")));
        await Assert.ThrowsAsync<ModelNotFoundException>(() => rig.Processor.SubmitAsync("nope", new ModelInput("x")));
        await Assert.ThrowsAsync<InputTooLongException>(
            () => rig.Processor.SubmitAsync(rig.Id, new ModelInput(Rig.Text(600, 0), Truncate: false)));

        // A bad input in a call refuses the whole call before anything is queued.
        await Assert.ThrowsAsync<InvalidInputException>(
            () => rig.Processor.SubmitBatchAsync(rig.Id, [new ModelInput("fine"), new ModelInput("")]));
        Assert.Equal(2, rig.Processor.GetStats(rig.Id).Inputs); // refused inputs never entered
    }

    private static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));
}
