using System.Globalization;

namespace Embeddings.Benchmarks.Http;

/// <summary>
/// Options of mode <c>http</c> (and <c>soak</c>), from the command line:
/// <c>--url URL</c> (target a running server instead of starting one; <c>--admin-key</c>, <c>--pid</c> for RSS),
/// <c>--duration S</c> per round, <c>--rounds N</c>, <c>--warmup S</c>, <c>--clients N</c>, <c>--requests N</c> (cap per run),
/// <c>--raw-items N</c>, <c>--raw-runs N</c>, <c>--p95-bound-ms MS</c>, <c>--out DIR</c>, <c>--seed N</c>,
/// <c>--skip-ceiling</c>, <c>--skip-peer</c>, <c>--skip-sweep</c>, <c>--no-build</c>, <c>--load-fraction F</c> (soak),
/// <c>--precision fp32|int8|both</c> (the server's and the ceiling's precision; both: the int8 comparison alone),
/// <c>--inputs-per-request N</c> (corpus items in each request; items/s counts items, latencies are per request).
/// </summary>
public sealed record HarnessOptions
{
    public string Model { get; init; } = "all-minilm-l6-v2";
    public string Precision { get; init; } = "fp32";
    public Uri? Url { get; init; }
    public int? ServerPid { get; init; }
    public string AdminKey { get; init; } = $"bench-{Guid.NewGuid():N}";
    public double DurationSeconds { get; init; } = 8;
    public int Rounds { get; init; } = 3;
    public double WarmUpSeconds { get; init; } = 2;
    public int Clients { get; init; } = 64;
    public int? MaxRequests { get; init; }
    public int RawItems { get; init; } = 128;
    public int RawRuns { get; init; } = 3;
    public double P95BoundMs { get; init; } = 100;
    public string? OutputDirectory { get; init; }
    public int Seed { get; init; } = 42;
    public bool SkipCeiling { get; init; }
    public bool SkipPeer { get; init; }
    public bool SkipSweep { get; init; }
    public bool NoBuild { get; init; }
    public double LoadFraction { get; init; } = 0.8;
    public int InputsPerRequest { get; init; } = 1;

    public TimeSpan Duration => TimeSpan.FromSeconds(DurationSeconds);
    public TimeSpan WarmUp => TimeSpan.FromSeconds(WarmUpSeconds);

    /// <summary>The number after <paramref name="name"/> in <paramref name="args"/>, for a mode's own options.</summary>
    public static double? Number(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? double.Parse(args[at + 1], CultureInfo.InvariantCulture) : null;
    }

    public static HarnessOptions Parse(string[] args, HarnessOptions? defaults = null)
    {
        var o = defaults ?? new HarnessOptions();
        string? Text(string name)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        }

        double? Number(string name) => HarnessOptions.Number(args, name);
        int? Integer(string name) => Text(name) is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : null;
        bool Flag(string name) => args.Contains(name, StringComparer.Ordinal);

        return o with
        {
            Model = Text("--model") ?? o.Model,
            Precision = Text("--precision")?.ToLowerInvariant() ?? o.Precision,
            Url = Text("--url") is { } url ? new Uri(url.EndsWith('/') ? url : url + "/") : o.Url,
            ServerPid = Integer("--pid") ?? o.ServerPid,
            AdminKey = Text("--admin-key") ?? o.AdminKey,
            DurationSeconds = Number("--duration") ?? o.DurationSeconds,
            Rounds = Integer("--rounds") ?? o.Rounds,
            WarmUpSeconds = Number("--warmup") ?? o.WarmUpSeconds,
            Clients = Integer("--clients") ?? o.Clients,
            MaxRequests = Integer("--requests") ?? o.MaxRequests,
            RawItems = Integer("--raw-items") ?? o.RawItems,
            RawRuns = Integer("--raw-runs") ?? o.RawRuns,
            P95BoundMs = Number("--p95-bound-ms") ?? o.P95BoundMs,
            OutputDirectory = Text("--out") ?? o.OutputDirectory,
            Seed = Integer("--seed") ?? o.Seed,
            SkipCeiling = o.SkipCeiling || Flag("--skip-ceiling"),
            SkipPeer = o.SkipPeer || Flag("--skip-peer"),
            SkipSweep = o.SkipSweep || Flag("--skip-sweep"),
            NoBuild = o.NoBuild || Flag("--no-build"),
            LoadFraction = Number("--load-fraction") ?? o.LoadFraction,
            InputsPerRequest = Integer("--inputs-per-request") ?? o.InputsPerRequest,
        };
    }
}
