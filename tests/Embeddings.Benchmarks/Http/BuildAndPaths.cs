using System.Diagnostics;

namespace Embeddings.Benchmarks.Http;

/// <summary>Where the repository and the Release builds the harness runs are, and how to bring those builds up to date.</summary>
internal static class BuildAndPaths
{
    public const string ApiProject = "Embeddings.Api/Embeddings.Api.csproj";
    public const string PeerProject = "tests/Embeddings.Benchmarks.Peer/Embeddings.Benchmarks.Peer.csproj";

    /// <summary>The folder holding Embeddings.sln, from the current directory or this program's own folder upwards.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Embeddings.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException("Run the harness inside the repository (no Embeddings.sln found above here).");
    }

    public static string ReleaseDll(string root, string project) => Path.Combine(
        root, Path.GetDirectoryName(project)!, "bin", "Release", "net10.0", Path.GetFileNameWithoutExtension(project) + ".dll");

    /// <summary><c>dotnet build -c Release</c> of <paramref name="project"/>; throws with its output when it fails.</summary>
    public static async Task BuildReleaseAsync(string root, string project)
    {
        Console.WriteLine($"building {project} (Release)...");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in (string[])["build", project, "-c", "Release", "--nologo", "-v", "q"])
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Building {project} failed:{Environment.NewLine}{output}");
        }
    }
}
