using Embeddings.Contracts;

namespace Embeddings.Admin.Auth;

/// <summary>The admin key, <c>Embeddings:AdminKey</c>: the secret the API asks for on live tuning, and the one a person
/// signs in here with. It stays on the server: the admin sends it to the API itself and never to a browser.</summary>
public sealed class AdminKeyOptions
{
    public const string Section = "Embeddings";

    public string? AdminKey { get; set; }

    public bool IsConfigured => !string.IsNullOrEmpty(AdminKey);

    /// <summary>Whether <paramref name="given"/> is the admin key, in constant time (<see cref="SecretKeys"/>).</summary>
    public bool Matches(string? given) => IsConfigured && SecretKeys.Matches(given, [AdminKey]);
}
