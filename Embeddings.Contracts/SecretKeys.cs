using System.Security.Cryptography;
using System.Text;

namespace Embeddings.Contracts;

/// <summary>The one check of a key against the configured ones, shared by the API's bearer schemes and the admin's
/// sign-in.</summary>
public static class SecretKeys
{
    /// <summary>Whether <paramref name="given"/> is one of <paramref name="keys"/>. Every key is compared, each hashed to
    /// one length and compared in constant time, so neither how much matched, nor which key, nor their lengths show in
    /// the timing.</summary>
    public static bool Matches(string? given, IEnumerable<string?> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Span<byte> givenHash = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> keyHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(given ?? ""), givenHash);
        var found = false;
        foreach (var key in keys)
        {
            if (string.IsNullOrEmpty(key))
            {
                continue;
            }

            SHA256.HashData(Encoding.UTF8.GetBytes(key), keyHash);
            found |= CryptographicOperations.FixedTimeEquals(givenHash, keyHash);
        }

        return found && !string.IsNullOrEmpty(given);
    }
}
