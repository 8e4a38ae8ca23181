namespace Embeddings.Admin.Api;

/// <summary>A call to the API that did not give an answer the admin can use: unreachable, too slow, refused (with the
/// problem's detail) or unreadable. <see cref="Exception.Message"/> says which, in words a page can show.</summary>
public sealed class ApiException(string message, int? statusCode = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The API's status code when it answered.</summary>
    public int? StatusCode { get; } = statusCode;
}
