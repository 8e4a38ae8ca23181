using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Embeddings.Testing;

namespace Embeddings.Core.Tests.Batching;

public class MetricsTests
{
    [Fact]
    public async Task Instruments_carry_the_model_tag_and_the_observer_sees_each_batch()
    {
        var model = new SimulatedModelOptions { Id = "metrics-probe" }; // unique: other tests' processors publish too
        var seen = new ConcurrentDictionary<string, double>();
        var reasons = new ConcurrentBag<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EmbeddingsInstruments.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            var ours = false;
            foreach (var tag in tags)
            {
                ours |= tag.Key == EmbeddingsInstruments.ModelTag && (string?)tag.Value == model.Id;
                if (tag.Key == EmbeddingsInstruments.ReasonTag)
                {
                    reasons.Add((string)tag.Value!);
                }
            }

            if (ours)
            {
                seen.AddOrUpdate(instrument.Name, Convert.ToDouble(value, null), (_, old) => old + Convert.ToDouble(value, null));
            }
        }

        listener.SetMeasurementEventCallback<int>(Record);
        listener.SetMeasurementEventCallback<long>(Record);
        listener.SetMeasurementEventCallback<double>(Record);
        listener.Start();

        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 3, MaxQueueLength = 3, MaxConcurrentBatches = 1 }, model: model);
        var reports = new ConcurrentBag<BatchReport>();
        rig.Processor.BatchCompleted += (_, report) => reports.Add(report);
        await Task.WhenAll(rig.Submit("a b"), rig.Submit("c d e"), rig.Submit("f")).WaitAsync(Rig.Guard);
        rig.Model.Hold();
        var held = rig.Processor.SubmitBatchAsync(rig.Id, [new("x"), new("y"), new("z")]);
        await rig.Model.WaitForStartedAsync(2).WaitAsync(Rig.Guard);
        var queued = rig.Processor.SubmitBatchAsync(rig.Id, [new("u"), new("v"), new("w")]); // waits for the one runner
        await Assert.ThrowsAsync<QueueFullException>(() => rig.Submit("overflow"));
        listener.RecordObservableInstruments();
        rig.Model.Release();
        await Task.WhenAll(held, queued).WaitAsync(Rig.Guard);

        Assert.Equal(9, seen[EmbeddingsInstruments.Requests]);
        Assert.True(seen[EmbeddingsInstruments.Batches] >= 3);
        Assert.Equal(9, seen[EmbeddingsInstruments.BatchSize]);
        Assert.True(seen.ContainsKey(EmbeddingsInstruments.BatchTokens));
        Assert.True(seen.ContainsKey(EmbeddingsInstruments.PaddingEfficiency));
        Assert.True(seen.ContainsKey(EmbeddingsInstruments.QueueWait));
        Assert.True(seen.ContainsKey(EmbeddingsInstruments.InferenceDuration));
        Assert.True(seen.ContainsKey(EmbeddingsInstruments.QueueDepth));
        Assert.True(seen.ContainsKey(EmbeddingsInstruments.BatchesInFlight));
        Assert.Equal(1, seen[EmbeddingsInstruments.Rejected]);
        Assert.Contains(EmbeddingsInstruments.ReasonQueueFull, reasons);

        Assert.Equal(9, reports.Where(r => r.Model == model.Id).Sum(r => r.BatchSize));
        Assert.All(reports, r => Assert.InRange(r.PaddingEfficiency, 0.01, 1));
    }

    [Fact]
    public async Task Stats_snapshot_counts_batches_and_tokens()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 4 });
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => rig.Submit(Rig.Text(2, i)))).WaitAsync(Rig.Guard);

        var stats = rig.Processor.GetStats(rig.Id);

        Assert.Equal(rig.Id, stats.Model);
        Assert.Equal(8, stats.Requests);
        Assert.Equal(8, stats.Completed);
        Assert.Equal(2, stats.Batches);
        Assert.Equal(4, stats.AverageBatchSize);
        Assert.Equal(4, stats.LargestBatch);
        Assert.Equal(32, stats.RealTokens);
        Assert.Equal(32, stats.PaddedTokens);
        Assert.Equal(1, stats.PaddingEfficiency);
        Assert.Equal(2, stats.BatchSizes.Single(b => b.UpperBound == 4).Count);
        Assert.Equal(8, stats.InputTokens.Single(b => b.UpperBound == 8).Count);
        Assert.Null(stats.BatchSizes[^1].UpperBound);
        Assert.Equal(0, stats.Rejected);
        Assert.Single(rig.Processor.GetAllStats());
    }

    [Fact]
    public async Task Stats_serialise_to_json_before_and_after_work_and_model_ids_ignore_case()
    {
        await using var rig = Rig.Create(new BatchingOptions { MaxWaitMs = 0 });
        var empty = JsonSerializer.Serialize(rig.Processor.GetStats(rig.Id), JsonSerializerOptions.Web);

        await rig.Processor.SubmitAsync(rig.Id.ToUpperInvariant(), new ModelInput("a b c")).WaitAsync(Rig.Guard);
        var json = JsonSerializer.Serialize(rig.Processor.GetStats(rig.Id), JsonSerializerOptions.Web);

        Assert.Contains("\"requests\":0", empty, StringComparison.Ordinal);
        Assert.Contains("\"requests\":1", json, StringComparison.Ordinal);
        Assert.Contains("\"paddingEfficiency\":1", json, StringComparison.Ordinal);
        Assert.Contains("\"upperBound\":null", json, StringComparison.Ordinal);
        Assert.Equal([rig.Id], rig.Processor.Models);
    }
}
