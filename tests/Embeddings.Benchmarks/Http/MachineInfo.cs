using System.Globalization;
using System.Runtime.InteropServices;

namespace Embeddings.Benchmarks.Http;

/// <summary>What the numbers were measured on: cores, CPU model, memory, OS, .NET, date and load.</summary>
public sealed record MachineInfo(int Cores, string CpuModel, double MemoryGiB, string Os, string DotNet, DateTimeOffset Date, string LoadAverage)
{
    public static MachineInfo Describe() => new(
        Environment.ProcessorCount,
        ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        ProcField("/proc/meminfo", "MemTotal") is { } kb
            ? double.Parse(kb.Split(' ')[0], CultureInfo.InvariantCulture) / 1048576.0
            : double.NaN,
        OsName(),
        RuntimeInformation.FrameworkDescription,
        DateTimeOffset.UtcNow,
        LoadAverageNow());

    public static string LoadAverageNow() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string OsName()
    {
        var pretty = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"')
            : null;
        return pretty is null || RuntimeInformation.OSDescription.Contains(pretty, StringComparison.Ordinal)
            ? RuntimeInformation.OSDescription
            : $"{pretty} ({RuntimeInformation.OSDescription})";
    }

    private static string? ProcField(string path, string field)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
