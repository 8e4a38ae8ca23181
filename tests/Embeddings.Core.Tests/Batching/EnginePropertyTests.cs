using CsCheck;
using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Embeddings.Testing;

namespace Embeddings.Core.Tests.Batching;

/// <summary>
/// The whole engine under random histories: arrivals of random sizes, callers that leave, live option changes, model
/// failures and a shutdown at a random point. Whatever happens, every caller gets exactly one answer (its own vector, or
/// a typed error, or its cancellation), nothing is lost, and the stats add up.
/// </summary>
public class EnginePropertyTests
{
    /// <summary>One step: submit (words, how its caller leaves: 0 stays, 1 leaves at once, 2 leaves at the next step),
    /// make the next batch fail, change the options, or begin the shutdown.</summary>
    private sealed record Step(int Kind, int Words, int Leave, int Option);

    private static readonly Gen<Step> Steps = Gen.Select(Gen.Int[0, 11], Gen.Int[1, 30], Gen.Int[0, 2], Gen.Int[0, 3],
        (kind, words, leave, option) => new Step(kind, words, leave, option));

    private static readonly Gen<(Step[] Steps, int ShutdownAt)> Histories =
        Gen.Select(Steps.Array[5, 60], Gen.Int[0, 70], (steps, at) => (steps, at));

    [Fact]
    public async Task Property_every_caller_gets_exactly_one_answer_and_the_stats_add_up()
    {
        await Histories.SampleAsync(async history =>
        {
            await using var rig = Rig.Create(
                new BatchingOptions { MaxBatchSize = 4, MaxWaitMs = 1, MaxQueueLength = 16, MaxConcurrentBatches = 2 },
                time: TimeProvider.System);
            var calls = new List<(string Text, Task<ModelEmbedding> Answer, CancellationTokenSource Leave)>();
            var leaveNext = new List<CancellationTokenSource>();
            Task? shutdown = null;
            for (var i = 0; i < history.Steps.Length; i++)
            {
                foreach (var leaving in leaveNext)
                {
                    await leaving.CancelAsync();
                }

                leaveNext.Clear();
                if (i == history.ShutdownAt)
                {
                    shutdown = rig.Processor.ShutdownAsync();
                }

                var step = history.Steps[i];
                switch (step.Kind)
                {
                    case 9:
                        rig.Model.FailNextBatches(1);
                        break;
                    case 10:
                        rig.Processor.UpdateOptions(rig.Id, rig.Processor.GetOptions(rig.Id) with
                        {
                            MaxBatchSize = 1 + (step.Option * 3),
                            MaxWaitMs = step.Option,
                            MaxConcurrentBatches = 1 + (step.Option % 3),
                            MinPaddingEfficiency = step.Option * 0.3,
                        });
                        break;
                    case 11:
                        await Task.Yield(); // let the engine run a little
                        break;
                    default:
                        var leave = new CancellationTokenSource();
                        var text = Rig.Text(step.Words, i);
                        calls.Add((text, rig.Submit(text, leave.Token), leave));
                        if (step.Leave == 1)
                        {
                            await leave.CancelAsync();
                        }
                        else if (step.Leave == 2)
                        {
                            leaveNext.Add(leave);
                        }

                        break;
                }
            }

            foreach (var leaving in leaveNext)
            {
                await leaving.CancelAsync();
            }

            await (shutdown ?? rig.Processor.ShutdownAsync()).WaitAsync(Rig.Guard);
            await Task.WhenAll(calls.Select(c => c.Answer.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(Rig.Guard);

            var (completed, failed, cancelled, full, stopping) = (0, 0, 0, 0, 0);
            foreach (var (text, answer, leave) in calls)
            {
                Assert.True(answer.IsCompleted, "an answer was lost");
                switch (answer.Status)
                {
                    case TaskStatus.RanToCompletion:
                        rig.AssertAnswer(text, answer.Result);
                        completed++;
                        break;
                    case TaskStatus.Canceled:
                        Assert.True(leave.IsCancellationRequested, "a caller that stayed was cancelled");
                        cancelled++;
                        break;
                    default:
                        switch (answer.Exception!.InnerException)
                        {
                            case ModelFailedException: failed++; break;
                            case QueueFullException: full++; break;
                            case ShuttingDownException: stopping++; break;
                            case var other: Assert.Fail($"an untyped error reached a caller: {other}"); break;
                        }

                        break;
                }

                leave.Dispose();
            }

            var stats = rig.Processor.GetStats(rig.Id);
            Assert.Equal(calls.Count, stats.Inputs);
            Assert.Equal((completed, failed, cancelled, full, stopping),
                ((int)stats.Completed, (int)stats.Failed, (int)stats.Cancelled, (int)stats.RejectedQueueFull, (int)stats.RejectedShuttingDown));
            Assert.Equal(stats.Inputs, stats.Completed + stats.Failed + stats.Cancelled + stats.Rejected);
            Assert.Equal((0, 0), (stats.QueueDepth, stats.InFlightBatches));
            // The model embedded every answered input, and perhaps some whose caller left while its batch ran.
            Assert.InRange(rig.Model.EmbeddedInputs, stats.Completed, stats.Completed + stats.CancelledInFlight);
        }, iter: 300, threads: 1);
    }

    /// <summary>Arrivals over several models on a few shared slots: (model, words, how its caller leaves: 0 before it submits,
    /// 1 right after, otherwise it stays) per step.</summary>
    private static readonly Gen<(int Models, int Slots, (int Model, int Words, int Leave)[] Arrivals)> Mixes =
        Gen.Select(Gen.Int[2, 6], Gen.Int[1, 3], Gen.Select(Gen.Int[0, 5], Gen.Int[1, 30], Gen.Int[0, 4]).Array[10, 80],
            (models, slots, arrivals) => (models, slots, arrivals));

    [Fact]
    public async Task Property_over_models_sharing_slots_every_input_is_answered_once_and_no_slot_is_double_booked()
    {
        await Mixes.SampleAsync(async mix =>
        {
            var probe = new RunningProbe();
            await using var rig = Rig.Create(
                new BatchingOptions { MaxBatchSize = 4, MaxWaitMs = 1, MaxQueueLength = 64, MaxConcurrentBatches = 2 },
                models: mix.Models,
                model: new SimulatedModelOptions { CostPerBatch = TimeSpan.FromMilliseconds(1), Running = probe },
                time: TimeProvider.System,
                slots: mix.Slots);
            var calls = new List<(SimulatedEmbeddingModel Model, string Text, Task<ModelEmbedding> Answer)>();
            foreach (var (m, words, leave) in mix.Arrivals)
            {
                var model = rig.Models[m % mix.Models];
                var text = Rig.Text(words, calls.Count);
                using var caller = new CancellationTokenSource();
                if (leave == 0)
                {
                    await caller.CancelAsync(); // a caller gone before it submits
                }

                var answer = rig.Processor.SubmitAsync(model.Descriptor.Id, new ModelInput(text), leave <= 1 ? caller.Token : CancellationToken.None);
                calls.Add((model, text, answer));
                if (leave == 1)
                {
                    await caller.CancelAsync(); // a caller that leaves while its input waits or runs
                }
            }

            await ((Task)Task.WhenAll(calls.Select(c => c.Answer))).WaitAsync(Rig.Guard).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Assert.InRange(probe.Most, 0, mix.Slots); // never more batches at once than slots, over every model
            foreach (var (model, text, answer) in calls)
            {
                Assert.True(answer.IsCompleted, "every call is answered");
                if (answer.IsCompletedSuccessfully)
                {
                    Assert.Equal(model.ExpectedVector(text, normalize: true), (await answer).Vector);
                }
            }

            // Each answer was counted before it was given; a runner still leaves its batch after answering it, so
            // the drain settles the in-flight count before that is read.
            foreach (var model in rig.Models)
            {
                Assert.Equal(calls.Count(c => c.Model == model && c.Answer.IsCompletedSuccessfully), rig.Processor.GetStats(model.Descriptor.Id).Completed);
            }

            await rig.Processor.ShutdownAsync().WaitAsync(Rig.Guard);
            foreach (var model in rig.Models)
            {
                var stats = rig.Processor.GetStats(model.Descriptor.Id);
                Assert.Equal(stats.Inputs, stats.Completed + stats.Failed + stats.Cancelled + stats.Rejected);
                Assert.Equal(model.EmbeddedInputs, stats.Completed + stats.CancelledInFlight);
                Assert.Equal((0, 0), (stats.QueueDepth, stats.InFlightBatches));
            }
        }, iter: 30);
    }
}
