using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Embeddings.AppHost.Tests;

/// <summary>aspire-manifest.json is the deployment description: it must be what the AppHost publishes today, built from
/// the sources as they are (dotnet run builds it).</summary>
[Collection(AppHostCollection.Name)]
public class ManifestTests
{
    [Fact]
    public async Task Committed_manifest_matches_what_the_AppHost_publishes()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var root = RepositoryRoot();
        // Beside the committed file, because the manifest's project paths are relative to where it is written.
        var output = Path.Combine(root, $"aspire-manifest.{Guid.NewGuid():N}.json");
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { "run", "--project", Path.Combine(root, "AppHost"), "--", "--publisher", "manifest", "--output-path", output },
                WorkingDirectory = Path.Combine(root, "AppHost"),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var log = process.StandardOutput.ReadToEndAsync(cts.Token);
            var errors = process.StandardError.ReadToEndAsync(cts.Token);
            await process.WaitForExitAsync(cts.Token);
            Assert.True(process.ExitCode == 0, $"manifest publishing failed: {await log}{await errors}");

            var published = JsonNode.Parse(await File.ReadAllTextAsync(output, cts.Token));
            var committed = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(root, "aspire-manifest.json"), cts.Token));
            Assert.True(JsonNode.DeepEquals(committed, published),
                "aspire-manifest.json is stale; regenerate it with: dotnet run --project AppHost -- --publisher manifest --output-path ../aspire-manifest.json");
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Embeddings.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Embeddings.sln not found above the test folder.");
    }
}
