using System.Security.Cryptography;
using System.Text;

namespace Embeddings.Admin.Auth;

/// <summary>The admin key, <c>Embeddings:AdminKey</c>: the secret the API asks for on live tuning, and the one a person
/// signs in here with. It stays on the server: the admin sends it to the API itself and never to a browser.</summary>
public sealed class AdminKeyOptions
{
    public const string Section = "Embeddings";

    public string? AdminKey { get; set; }

    public bool IsConfigured => !string.IsNullOrEmpty(AdminKey);

    /// <summary>Whether <paramref name="given"/> is the admin key. Both are hashed to one length and compared in constant
    /// time, so neither how much of it matched nor the key's length shows in the timing.</summary>
    public bool Matches(string? given)
    {
        if (!IsConfigured || string.IsNullOrEmpty(given))
        {
            return false;
        }

        Span<byte> expectedHash = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> givenHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(AdminKey!), expectedHash);
        SHA256.HashData(Encoding.UTF8.GetBytes(given), givenHash);
        return CryptographicOperations.FixedTimeEquals(expectedHash, givenHash);
    }
}
