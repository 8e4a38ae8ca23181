using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Embeddings.Core.Models;

/// <summary>
/// Reads an embedded (manifest) resource out of a .NET assembly file with System.Reflection.Metadata, without loading
/// the assembly as code: the metadata names the resource's offset in the CLI resources directory, and the PE reader
/// maps that part of the file; the resource is its length (4 bytes) and then its bytes.
/// </summary>
internal static class ManifestResourceReader
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>Hands the named resource of <paramref name="assemblyPath"/> to <paramref name="consume"/>, a chunk at a time.</summary>
    /// <exception cref="InvalidDataException">The file is no .NET assembly, or has no such embedded resource.</exception>
    public static void Read(string assemblyPath, string resourceName, Action<ReadOnlySpan<byte>> consume)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        if (!pe.HasMetadata || pe.PEHeaders.CorHeader is not { } cor)
        {
            throw new InvalidDataException($"'{assemblyPath}' is not a .NET assembly.");
        }

        var metadata = pe.GetMetadataReader();
        var resource = metadata.ManifestResources
            .Select(metadata.GetManifestResource)
            .Where(r => r.Implementation.IsNil && metadata.StringComparer.Equals(r.Name, resourceName))
            .Select(r => (ManifestResource?)r)
            .FirstOrDefault()
            ?? throw new InvalidDataException($"'{assemblyPath}' has no embedded resource '{resourceName}'.");

        var data = pe.GetSectionData(cor.ResourcesDirectory.RelativeVirtualAddress + (int)resource.Offset).GetReader();
        var length = data.ReadInt32();
        if (length < 0 || length > data.RemainingBytes)
        {
            throw new InvalidDataException($"Resource '{resourceName}' of '{assemblyPath}' runs past the end of its section.");
        }

        var chunk = new byte[Math.Min(length, ChunkBytes)];
        for (var left = length; left > 0; left -= chunk.Length)
        {
            var size = Math.Min(left, chunk.Length);
            data.ReadBytes(size, chunk, 0);
            consume(chunk.AsSpan(0, size));
        }
    }
}
