namespace Embeddings.Testing;

/// <summary>Where the repository is, for tests that run its tools (npm packages and dotnet tools that .ci/run installs).</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding Embeddings.sln, above the running test assembly.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Embeddings.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"Embeddings.sln not found above {AppContext.BaseDirectory}.");
    }
}
