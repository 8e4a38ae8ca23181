using Embeddings.Contracts;
using Embeddings.Core.Models;

namespace Embeddings.Core.Batching;

public static class BatchingOptionsExtensions
{
    /// <summary>Throws <see cref="InvalidOptionsException"/> naming every rule <see cref="BatchingOptions.Validate"/> finds broken.</summary>
    public static BatchingOptions EnsureValid(this BatchingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        return errors.Count == 0 ? options : throw new InvalidOptionsException(string.Join(" ", errors));
    }
}
