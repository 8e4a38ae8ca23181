using System.Globalization;

namespace Embeddings.Admin.Components.Shared;

/// <summary>How the dashboard writes its numbers and times: one place, one culture (invariant), times in UTC.</summary>
public static class Format
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public static string Rate(double itemsPerSecond) => itemsPerSecond.ToString(itemsPerSecond >= 100 ? "0" : "0.0", Culture);

    public static string Ms(double milliseconds) => milliseconds.ToString(milliseconds >= 100 ? "0" : "0.0", Culture) + " ms";

    public static string Number(double value) => value.ToString("0.0", Culture);

    public static string Count(long value) => value.ToString("N0", Culture);

    public static string Ratio(double value) => value.ToString("0.00", Culture);

    public static string Percent(double ratio) => (ratio * 100).ToString("0", Culture) + " %";

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm:ss", Culture) + " UTC";

    public static string DateTime(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Culture) + " UTC";

    /// <summary>"12 s ago", "3 min ago", "2 h ago".</summary>
    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var elapsed = now - at;
        return elapsed.TotalSeconds < 60 ? $"{Math.Max(0, (int)elapsed.TotalSeconds)} s ago"
            : elapsed.TotalMinutes < 60 ? $"{(int)elapsed.TotalMinutes} min ago"
            : elapsed.TotalHours < 48 ? $"{(int)elapsed.TotalHours} h ago"
            : $"{(int)elapsed.TotalDays} days ago";
    }
}
