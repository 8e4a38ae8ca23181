using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Embeddings.Api.Tests.Contract;

/// <summary>
/// Compiles the generated client, with the calls written against it (Contract/ClientCalls), into an assembly of its own
/// in memory, against this test run's assemblies (the Kiota runtime, xUnit, this test assembly). Errors anywhere, and
/// warnings in the calls, fail the compilation with their messages; warnings in the generated code are Kiota's own.
/// </summary>
public static class GeneratedClientCompiler
{
    private static readonly string[] NetSymbols =
        ["NET", "NETCOREAPP", "NETCOREAPP3_1_OR_GREATER", "NETSTANDARD2_1_OR_GREATER", "NET5_0_OR_GREATER", "NET6_0_OR_GREATER",
         "NET7_0_OR_GREATER", "NET8_0_OR_GREATER", "NET9_0_OR_GREATER", "NET10_0_OR_GREATER"];

    public static Assembly Compile(string generatedFolder, string callsFolder)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: NetSymbols);
        var generated = Directory.GetFiles(generatedFolder, "*.cs", SearchOption.AllDirectories);
        var calls = Directory.GetFiles(callsFolder, "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(generated);
        Assert.NotEmpty(calls);
        var trees = generated.Concat(calls).Select(file => CSharpSyntaxTree.ParseText(File.ReadAllText(file), parse, file));

        var compilation = CSharpCompilation.Create(
            $"Embeddings.Generated.{Guid.NewGuid():N}",
            trees,
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var refused = emitted.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error
                || (d.Severity == DiagnosticSeverity.Warning && calls.Contains(d.Location.SourceTree?.FilePath)))
            .Select(d => d.ToString())
            .ToList();
        Assert.True(emitted.Success && refused.Count == 0, "The generated client and its calls do not compile:\n" + string.Join("\n", refused));

        image.Position = 0;
        return AssemblyLoadContext.Default.LoadFromStream(image);
    }

    /// <summary>Every assembly this test run can load: the platform's and this project's dependencies.</summary>
    private static IEnumerable<MetadataReference> References() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(typeof(GeneratedClientCompiler).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .Select(path => MetadataReference.CreateFromFile(path));
}
