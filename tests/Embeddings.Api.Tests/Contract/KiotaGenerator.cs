using Embeddings.Testing;

namespace Embeddings.Api.Tests.Contract;

/// <summary>Kiota, the version the repository's tool manifest pins (.config/dotnet-tools.json; <c>dotnet tool
/// restore</c>, which .ci/run runs), generating a C# client from an OpenAPI document, offline.</summary>
public static class KiotaGenerator
{
    public const string ClientClass = "EmbeddingsClient";
    public const string ClientNamespace = "Embeddings.Generated";

    /// <summary>Generates the client from <paramref name="document"/> into <paramref name="folder"/>; returns how long
    /// Kiota took and what it logged. Fails with Kiota's log when it does.</summary>
    public static async Task<CommandLine.Result> GenerateAsync(string document, string folder)
    {
        var result = await CommandLine.RunAsync(
            "dotnet",
            ["tool", "run", "kiota", "generate", "--language", "CSharp", "--openapi", document, "--output", folder,
             "--class-name", ClientClass, "--namespace-name", ClientNamespace, "--exclude-backward-compatible", "--clean-output",
             "--log-level", "Warning"],
            RepositoryPaths.Root,
            new Dictionary<string, string>
            {
                ["KIOTA_OFFLINE_ENABLED"] = "true", // no check for a newer Kiota
                ["KIOTA_TUTORIAL_ENABLED"] = "false",
                ["KIOTA_CLI_TELEMETRY_OPTOUT"] = "true",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
            },
            TimeSpan.FromMinutes(3),
            "Restore the pinned tools first: dotnet tool restore (in the repository; .ci/run does).");
        Assert.True(result.ExitCode == 0, $"Kiota failed ({result.ExitCode}):\n{result.Everything}");
        return result;
    }
}
