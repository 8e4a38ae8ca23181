namespace Embeddings.Benchmarks.Http;

/// <summary>
/// Measures one server configuration: sets the batching options live, warms up, then runs the load
/// <paramref name="rounds"/> times, reading the model's counters before and after each round (average batch size,
/// padding efficiency) and sampling the server's RSS (when its process id is known).
/// </summary>
public sealed class ServerSuite(ApiClient api, LoadGenerator load, string model, int? serverPid)
{
    public async Task<ResultRow> MeasureAsync(
        string id, string name, ServerSettings settings, LoadSpec spec, int rounds, TimeSpan warmUp, CancellationToken ct = default)
    {
        await api.SetBatchingAsync(model, settings, ct).ConfigureAwait(false);
        if (warmUp > TimeSpan.Zero)
        {
            await load.RunAsync(spec with { Duration = warmUp }, ct).ConfigureAwait(false);
        }

        var results = new List<(LoadResult Load, double Batch, double Padding, long? Peak, double? ServerCpu, double ClientCpu)>();
        for (var round = 0; round < rounds; round++)
        {
            var before = await api.GetCountersAsync(model, ct).ConfigureAwait(false);
            var serverCpu = serverPid is { } p ? CpuTime.Of(p) : null;
            var clientCpu = CpuTime.Self();
            LoadResult result;
            long? peak;
            using (var sampler = serverPid is { } pid ? new RssSampler(pid, TimeSpan.FromMilliseconds(100)) : null)
            {
                result = await load.RunAsync(spec, ct).ConfigureAwait(false);
                sampler?.Sample();
                peak = sampler?.Peak;
            }

            var after = await api.GetCountersAsync(model, ct).ConfigureAwait(false);
            var (batch, padding) = after.Since(before);
            var items = Math.Max(1, result.Succeeded);
            var serverCpuMs = serverPid is { } q && CpuTime.Of(q) - serverCpu is { } used ? used.TotalMilliseconds / items : (double?)null;
            results.Add((result, batch, padding, peak, serverCpuMs, (CpuTime.Self() - clientCpu).TotalMilliseconds / items));
        }

        double Median(Func<(LoadResult Load, double Batch, double Padding, long? Peak, double? ServerCpu, double ClientCpu), double> pick) =>
            Stats.Median(results.Select(pick).ToArray());
        double? Finite(double value) => double.IsFinite(value) ? value : null;
        var peaks = results.Where(r => r.Peak is not null).Select(r => r.Peak!.Value).ToArray();

        var row = new ResultRow(
            id,
            name,
            settings.ToString(),
            spec.ToString(),
            Median(r => r.Load.ItemsPerSecond),
            Finite(Median(r => r.Load.Percentile(0.50))),
            Finite(Median(r => r.Load.Percentile(0.95))),
            Finite(Median(r => r.Load.Percentile(0.99))),
            Finite(Median(r => Stats.Percentile(r.Load.QueueTimesMs, 0.99))),
            Finite(Median(r => r.Batch)),
            Finite(Median(r => r.Padding)),
            peaks.Length > 0 ? peaks.Max() / 1048576.0 : null,
            results.Sum(r => r.Load.Errors),
            results.Sum(r => r.Load.Succeeded),
            rounds,
            results.Select(r => r.Load.FirstError).FirstOrDefault(e => e is not null),
            Finite(Median(r => r.ServerCpu ?? double.NaN)),
            Median(r => r.ClientCpu));
        Console.WriteLine(ReportWriter.Line(row));
        if (row.FirstError is { } error)
        {
            Console.WriteLine($"  first error: {error}");
        }

        return row;
    }
}
