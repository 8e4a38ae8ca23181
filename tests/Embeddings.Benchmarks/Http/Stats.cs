namespace Embeddings.Benchmarks.Http;

/// <summary>Small statistics helpers shared by the harness.</summary>
public static class Stats
{
    /// <summary>Nearest-rank quantile <paramref name="q"/> (0..1) of <paramref name="values"/>; NaN when empty.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(q * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyCollection<double> values) => Percentile(values, 0.5);
}
