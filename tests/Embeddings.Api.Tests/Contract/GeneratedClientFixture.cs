using System.Reflection;

namespace Embeddings.Api.Tests.Contract;

[CollectionDefinition(Name)]
public sealed class GeneratedClientCollection : ICollectionFixture<GeneratedClientFixture>
{
    public const string Name = "generated client";
}

/// <summary>
/// Once per test run: a real server (Kestrel on a free port, the real all-MiniLM-L6-v2, the admin key), the document it
/// serves, a C# client Kiota generates from that document into a temporary folder, and that client compiled in memory
/// with the calls written against it (Contract/ClientCalls). Generating at test time from the served document, rather
/// than at build time, needs no server during the build and no generated code in the repository; Roslyn compiles it
/// in about the time a nested <c>dotnet build</c> would take to start.
/// </summary>
public sealed class GeneratedClientFixture : IAsyncLifetime
{
    private const string CallsType = "Embeddings.Api.Tests.Contract.ClientCalls.GeneratedClientCalls";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("embeddings-kiota-");
    private HttpClient? _client;
    private Type? _calls;

    public ApiFactory Factory { get; } = new(new() { ["Embeddings:Models:arctic-embed-xs:Enabled"] = "false" });

    public ServedDocument Document { get; private set; } = null!;

    /// <summary>What Kiota did: how long it took, and what it logged.</summary>
    public CommandLine.Result Generation { get; private set; } = null!;

    public int GeneratedFiles { get; private set; }

    public TimeSpan CompileTime { get; private set; }

    public async Task InitializeAsync()
    {
        _client = Factory.CreateRealClient();
        Document = await ServedDocument.ReadAsync(_client);
        var document = Path.Combine(_folder.FullName, "openapi.json");
        await File.WriteAllTextAsync(document, Document.Text);

        var output = Path.Combine(_folder.FullName, "client");
        Generation = await KiotaGenerator.GenerateAsync(document, output);
        GeneratedFiles = Directory.GetFiles(output, "*.cs", SearchOption.AllDirectories).Length;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var assembly = GeneratedClientCompiler.Compile(output, Path.Combine(AppContext.BaseDirectory, "Contract", "ClientCalls"));
        CompileTime = clock.Elapsed;
        _calls = assembly.GetType(CallsType, throwOnError: true)!;
    }

    /// <summary>The calls through the generated client, each answer checked by <paramref name="conformance"/> (by default
    /// one of their own).</summary>
    public IGeneratedClientCalls NewCalls(DocumentConformance? conformance = null) =>
        (IGeneratedClientCalls)Activator.CreateInstance(
            _calls!, _client!.BaseAddress!, ApiFactory.AdminKey, ApiFactory.MiniLm, conformance ?? new DocumentConformance(Document))!;

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        await Factory.DisposeAsync();
        _folder.Delete(recursive: true);
    }
}
