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
        recorder.Observe();
        Assert.Equal(3, recorder.Observed("queue_depth"));
        Assert.Equal(1, recorder.Observed("batches_in_flight"));
        Assert.Equal(3, recorder.Observed("max_queue_length"));
        Assert.Equal(1, recorder.Observed("engine_up"));
        rig.Model.Release();
        await Task.WhenAll(held, queued).WaitAsync(Rig.Guard);

        recorder.Observe();
        Assert.Equal(10, recorder.Observed("inputs_total"));
        Assert.Equal(9, recorder.Observed("completed_total"));
        Assert.Equal(0, recorder.Observed("failed_total"));
        Assert.Equal(0, recorder.Observed("cancelled_total"));
        Assert.Equal(1, recorder.Observed("rejected_total"));
        Assert.Equal([EmbeddingsMeter.ReasonQueueFull], recorder.Reasons);
        Assert.Equal(3, recorder.Observed("batches_total"));
        Assert.Equal([3, 3, 3], recorder.Values("batch_size"));
        Assert.Equal([15, 9, 9], recorder.Values("batch_tokens"));
        Assert.Equal([0.8, 1, 1], recorder.Values("padding_efficiency"));
        Assert.Equal(9, recorder.Values("queue_wait_seconds").Count);
        Assert.Equal(3, recorder.Values("inference_duration_seconds").Count);

        var stats = rig.Processor.GetStats(rig.Id);
        Assert.Equal(recorder.Observed("inputs_total"), stats.Inputs);
        Assert.Equal(recorder.Observed("completed_total"), stats.Completed);
        Assert.Equal(recorder.Observed("rejected_total"), stats.RejectedQueueFull);
        Assert.Equal(recorder.Observed("batches_total"), stats.Batches);
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

    [Fact]
    public async Task Every_counter_series_of_a_model_exists_at_zero_before_its_first_event()
    {
        var model = new SimulatedModelOptions { Id = $"metrics-{Guid.NewGuid():N}" };
        using var recorder = new Recorder(model.Id);
        await using var rig = Rig.Create(model: model);

        recorder.Observe();

        foreach (var counter in new[] { "inputs_total", "completed_total", "failed_total", "cancelled_total", "batches_total" })
        {
            Assert.Equal([(counter, (string?)null)], recorder.SeriesOf(counter));
        }

        Assert.Equal(
            [("rejected_total", EmbeddingsMeter.ReasonOverTarget), ("rejected_total", EmbeddingsMeter.ReasonQueueFull), ("rejected_total", EmbeddingsMeter.ReasonShuttingDown)],
            recorder.SeriesOf("rejected_total"));
        Assert.Equal(0, recorder.Observed("inputs_total") + recorder.Observed("rejected_total"));
        Assert.Equal(Rig.Patient.MinPaddingEfficiency, recorder.Observed("padding_efficiency_floor"));
    }

    /// <summary>Listens to the Embeddings meter and keeps the measurements tagged with one model: each measurement of a
    /// recorded instrument, and the last observation of each series of an observable one.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _values = new();
        private readonly ConcurrentDictionary<(string Instrument, string? Reason), double> _observed = new();
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

        /// <summary>The reasons of the rejected_total series that are above 0.</summary>
        public IReadOnlyList<string?> Reasons => [.. _observed.Where(o => o.Key.Instrument == "rejected_total" && o.Value > 0).Select(o => o.Key.Reason)];

        public IReadOnlyList<double> Values(string instrument) => [.. _values.GetValueOrDefault(instrument) ?? []];

        /// <summary>Reads every observable instrument afresh.</summary>
        public void Observe()
        {
            _observed.Clear();
            Listener.RecordObservableInstruments();
        }

        /// <summary>An observable instrument's last observation, summed over its series.</summary>
        public double Observed(string instrument) => _observed.Where(o => o.Key.Instrument == instrument).Sum(o => o.Value);

        public IReadOnlyList<(string Instrument, string? Reason)> SeriesOf(string instrument) =>
            [.. _observed.Keys.Where(k => k.Instrument == instrument).OrderBy(k => k.Reason, StringComparer.Ordinal)];

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

            if (!ours)
            {
                return;
            }

            if (instrument.IsObservable)
            {
                _observed[(instrument.Name, reason)] = Convert.ToDouble(value, null);
            }
            else
            {
                _values.GetOrAdd(instrument.Name, _ => new()).Enqueue(Convert.ToDouble(value, null));
            }
        }
    }
}
