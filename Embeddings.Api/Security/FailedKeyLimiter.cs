using System.Threading.RateLimiting;

namespace Embeddings.Api.Security;

/// <summary>
/// Slows down key guessing: each wrong key a client (by remote address) sends takes one permit of a fixed window
/// (ASP.NET Core's rate limiting); once its permits are gone, every key it sends, right or wrong, is refused with 429
/// until the window ends.
/// </summary>
public sealed class FailedKeyLimiter : IDisposable
{
    public const int FailuresPerWindow = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = FailuresPerWindow,
            Window = Window,
            QueueLimit = 0,
        }));

    /// <summary>Null while the client may try keys; otherwise how long until it may again.</summary>
    public TimeSpan? Throttled(string client)
    {
        using var check = _limiter.AttemptAcquire(client, permitCount: 0);
        return check.IsAcquired ? null : RetryAfter(check);
    }

    /// <summary>Counts a wrong key; null while the client may go on trying, else how long until it may.</summary>
    public TimeSpan? Failed(string client)
    {
        using var lease = _limiter.AttemptAcquire(client);
        return lease.IsAcquired ? null : RetryAfter(lease);
    }

    public void Dispose() => _limiter.Dispose();

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : Window;
}
