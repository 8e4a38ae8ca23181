using System.Buffers.Binary;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Embeddings.Core.Models;

/// <summary>
/// Reads an embedded (manifest) resource out of a .NET assembly file with System.Reflection.Metadata,
/// without loading the assembly as code. The resource's bytes lie in the CLI resources directory at the
/// resource's offset, after a 4-byte little-endian length.
/// </summary>
internal static class ManifestResourceReader
{
    /// <summary>Opens the named resource of <paramref name="assemblyPath"/> as a read-only stream over the file.</summary>
    /// <exception cref="InvalidDataException">The file is no .NET assembly, or has no such embedded resource.</exception>
    public static Stream Open(string assemblyPath, string resourceName)
    {
        var file = new FileStream(assemblyPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        try
        {
            var (start, length) = Locate(file, assemblyPath, resourceName);
            return new SubStream(file, start, length);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static (long Start, long Length) Locate(FileStream file, string assemblyPath, string resourceName)
    {
        long resourceOffset;
        int directoryOffset;
        using (var pe = new PEReader(file, PEStreamOptions.LeaveOpen))
        {
            if (!pe.HasMetadata || pe.PEHeaders.CorHeader is null)
            {
                throw new InvalidDataException($"'{assemblyPath}' is not a .NET assembly.");
            }

            var metadata = pe.GetMetadataReader();
            resourceOffset = -1;
            foreach (var handle in metadata.ManifestResources)
            {
                var resource = metadata.GetManifestResource(handle);
                if (resource.Implementation.IsNil && metadata.StringComparer.Equals(resource.Name, resourceName))
                {
                    resourceOffset = resource.Offset;
                    break;
                }
            }

            if (resourceOffset < 0)
            {
                throw new InvalidDataException($"'{assemblyPath}' has no embedded resource '{resourceName}'.");
            }

            if (!pe.PEHeaders.TryGetDirectoryOffset(pe.PEHeaders.CorHeader.ResourcesDirectory, out directoryOffset))
            {
                throw new InvalidDataException($"'{assemblyPath}' has no resources directory.");
            }
        }

        var lengthAt = directoryOffset + resourceOffset;
        Span<byte> prefix = stackalloc byte[4];
        file.Position = lengthAt;
        file.ReadExactly(prefix);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        var start = lengthAt + 4;
        if (start + length > file.Length)
        {
            throw new InvalidDataException($"Resource '{resourceName}' of '{assemblyPath}' runs past the end of the file.");
        }

        return (start, length);
    }

    /// <summary>A read-only window onto part of a stream; owns the stream.</summary>
    private sealed class SubStream(Stream inner, long start, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var left = length - _position;
            if (left <= 0)
            {
                return 0;
            }

            if (buffer.Length > left)
            {
                buffer = buffer[..(int)left];
            }

            inner.Position = start + _position;
            var read = inner.Read(buffer);
            _position += read;
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
