using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Embeddings.Testing;

namespace Embeddings.Core.Tests.Batching;

public class MetricsTests
{
    [Fact]
    public async Task Each_instrument_moves_by_exactly_what_the_queue_did_and_agrees_with_the_stats()
    {
        var model = new SimulatedModelOptions { Id = $"metrics-{Guid.NewGuid():N}" }; // other tests' processors publish too
        using var recorder = new Recorder(model.Id);

        await using var rig = Rig.Create(
            Rig.Patient with { MaxBatchSize = 3, MaxQueueLength = 3, MaxConcurrentBatches = 1, MinPaddingEfficiency = 0 }, model: model);
        await Task.WhenAll(rig.Submit("a b"), rig.Submit("c d e"), rig.Submit("f")).WaitAsync(Rig.Guard); // 4, 5 and 3 tokens
        rig.Model.Hold();
        var held = rig.Processor.SubmitBatchAsync(rig.Id, [new("x"), new("y"), new("z")]);
        await rig.Model.WaitForStartedAsync(2).WaitAsync(Rig.Guard);
        var queued = rig.Processor.SubmitBatchAsync(rig.Id, [new("u"), new("v"), new("w")]); // waits for the one runner
        await Assert.ThrowsAsync<QueueFullException>(() => rig.Submit("overflow"));
        recorder.Listener.RecordObservableInstruments();
        Assert.Equal([3], recorder.Values("queue_depth"));
        Assert.Equal([1], recorder.Values("batches_in_flight"));
        rig.Model.Release();
        await Task.WhenAll(held, queued).WaitAsync(Rig.Guard);

        Assert.Equal(10, recorder.Sum("inputs_total"));
        Assert.Equal(9, recorder.Sum("completed_total"));
        Assert.Equal(0, recorder.Sum("failed_total"));
        Assert.Equal(0, recorder.Sum("cancelled_total"));
        Assert.Equal(1, recorder.Sum("rejected_total"));
        Assert.Equal([EmbeddingsMeter.ReasonQueueFull], recorder.Reasons);
        Assert.Equal(3, recorder.Sum("batches_total"));
        Assert.Equal([3, 3, 3], recorder.Values("batch_size"));
        Assert.Equal([15, 9, 9], recorder.Values("batch_tokens"));
        Assert.Equal([0.8, 1, 1], recorder.Values("padding_efficiency"));
        Assert.Equal(9, recorder.Values("queue_wait_seconds").Count);
        Assert.Equal(3, recorder.Values("inference_duration_seconds").Count);

        var stats = rig.Processor.GetStats(rig.Id);
        Assert.Equal(recorder.Sum("inputs_total"), stats.Inputs);
        Assert.Equal(recorder.Sum("completed_total"), stats.Completed);
        Assert.Equal(recorder.Sum("rejected_total"), stats.RejectedQueueFull);
        Assert.Equal(recorder.Sum("batches_total"), stats.Batches);
        Assert.Equal(30, stats.RealTokens);
        Assert.Equal(33, stats.PaddedTokens);
        Assert.Equal(30.0 / 33, stats.PaddingEfficiency, 9);
    }

    [Fact]
    public async Task Histograms_carry_their_buckets_so_every_exporter_uses_the_same_ones()
    {
        using var recorder = new Recorder("none");
        await using var rig = Rig.Create();

        Assert.Equal(EmbeddingsMeter.SecondsBuckets, EmbeddingsMeter.BucketsOf(recorder.Instrument("queue_wait_seconds"))!);
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 512], EmbeddingsMeter.BucketsOf(recorder.Instrument("batch_size"))!);
        Assert.Null(EmbeddingsMeter.BucketsOf(recorder.Instrument("inputs_total")));
    }

    [Fact]
    public async Task Stats_snapshot_counts_batches_and_tokens()
    {
        await using var rig = Rig.Create(Rig.Patient with { MaxBatchSize = 4 });
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => rig.Submit(Rig.Text(2, i)))).WaitAsync(Rig.Guard);

        var stats = rig.Processor.GetStats(rig.Id);

        Assert.Equal(rig.Id, stats.Model);
        Assert.Equal(8, stats.Inputs);
        Assert.Equal(8, stats.Completed);
        Assert.Equal(2, stats.Batches);
        Assert.Equal(4, stats.AverageBatchSize);
        Assert.Equal(4, stats.LargestBatch);
        Assert.Equal(32, stats.RealTokens);
        Assert.Equal(32, stats.PaddedTokens);
        Assert.Equal(1, stats.PaddingEfficiency);
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

        Assert.Contains("\"inputs\":0", empty, StringComparison.Ordinal);
        Assert.Contains("\"inputs\":1", json, StringComparison.Ordinal);
        Assert.Contains("\"paddingEfficiency\":1", json, StringComparison.Ordinal);
        Assert.Equal([rig.Id], rig.Processor.Models);
    }

    /// <summary>Listens to the Embeddings meter and keeps the measurements tagged with one model.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _values = new();
        private readonly ConcurrentDictionary<string, Instrument> _instruments = new();
        private readonly string _model;

        public Recorder(string model)
        {
            _model = model;
            Listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == EmbeddingsMeter.Name)
                {
                    _instruments[instrument.Name] = instrument;
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            Listener.SetMeasurementEventCallback<int>(Record);
            Listener.SetMeasurementEventCallback<long>(Record);
            Listener.SetMeasurementEventCallback<double>(Record);
            Listener.Start();
        }

        public MeterListener Listener { get; } = new();

        public ConcurrentBag<string> Reasons { get; } = [];

        public IReadOnlyList<double> Values(string instrument) => [.. _values.GetValueOrDefault(instrument) ?? []];

        public double Sum(string instrument) => Values(instrument).Sum();

        public Instrument Instrument(string name) => _instruments[name];

        public void Dispose() => Listener.Dispose();

        private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            var ours = false;
            string? reason = null;
            foreach (var tag in tags)
            {
                ours |= tag.Key == EmbeddingsMeter.ModelTag && (string?)tag.Value == _model;
                reason = tag.Key == EmbeddingsMeter.ReasonTag ? (string?)tag.Value : reason;
            }

            if (ours)
            {
                _values.GetOrAdd(instrument.Name, _ => new()).Enqueue(Convert.ToDouble(value, null));
                if (reason is not null)
                {
                    Reasons.Add(reason);
                }
            }
        }
    }
}
