using System.Security.Cryptography;
using System.Text;
using Embeddings.Core.Models;

namespace Embeddings.Api.Cache;

/// <summary>Builds cache keys: <c>emb:{model}:{revision}:{precision}:{n|r}{t|f}:{prompt}:{sha256(text)}</c>. The precision
/// keeps an int8 replica's vectors apart from an fp32 replica's of the same model.</summary>
public static class CacheKey
{
    public static string For(ModelDescriptor model, bool normalize, bool truncate, string? prompt, string text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return $"emb:{model.Id}:{model.Revision}:{model.Precision}:{(normalize ? 'n' : 'r')}{(truncate ? 't' : 'f')}:{prompt}:{Convert.ToHexStringLower(hash)}";
    }
}
