namespace Embeddings.Admin.Components.Stats;

/// <summary>The history charts' axes: a y scale of round steps, and time labels spaced to the span the history covers.</summary>
public static class ChartAxes
{
    /// <summary>The largest y step: a step is an int for the chart, and a larger one would mean a broken number.</summary>
    public const int MaxStep = 1_000_000_000;

    /// <summary>A y-axis step of 1, 2 or 5 times a power of ten that gives about five lines up to <paramref name="max"/>,
    /// and the top line (a config change's marker reaches it). The step is at least 1 (the charts count items, batches
    /// and milliseconds), and a value that is not a finite number counts as 0 rather than breaking the chart.</summary>
    public static (int Step, double Top) Scale(double max)
    {
        var top = double.IsFinite(max) ? Math.Clamp(max, 1, (double)MaxStep * 5) : 1;
        var rough = top / 5;
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var factor = new[] { 1, 2, 5, 10 }.First(f => f * power >= rough * (1 - 1e-9)); // tolerance: 10^n is inexact below 1
        var step = (int)Math.Clamp(Math.Round(factor * power), 1, MaxStep);
        return (step, Math.Ceiling(top / step - 1e-9) * step);
    }

    /// <summary>About six time labels across <paramref name="span"/> (the history shows up to five minutes): every 10 s up
    /// to a minute, every 30 s up to three, then every minute.</summary>
    public static TimeSpan LabelSpacing(TimeSpan span) =>
        span <= TimeSpan.FromSeconds(60) ? TimeSpan.FromSeconds(10)
        : span <= TimeSpan.FromMinutes(3) ? TimeSpan.FromSeconds(30)
        : TimeSpan.FromMinutes(1);
}
