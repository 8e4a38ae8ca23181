using Embeddings.Contracts;

namespace Embeddings.Admin.Live;

/// <summary>What the admin last learnt from the API. Immutable; each poll replaces it.</summary>
/// <param name="CheckedAt">When the last poll finished (admin's clock); null before the first.</param>
/// <param name="Health">The API's health text from the last poll that reached it.</param>
/// <param name="Models">The API's models, once they have been read.</param>
/// <param name="Stats">The last <c>GET /stats</c> answer.</param>
/// <param name="Error">Why the last poll failed; null when it succeeded.</param>
/// <param name="FailingSince">When polls started failing; null while they succeed.</param>
public sealed record LiveSnapshot(
    DateTimeOffset? CheckedAt,
    string? Health,
    IReadOnlyList<ModelInfo>? Models,
    ClusterStats? Stats,
    string? Error,
    DateTimeOffset? FailingSince)
{
    public static LiveSnapshot Empty { get; } = new(null, null, null, null, null, null);

    public bool Reachable => CheckedAt is not null && Error is null;

    /// <summary>A model's stats summed over the replicas, when it has any.</summary>
    public ModelLiveStats? TotalOf(string model) =>
        Stats?.Total.FirstOrDefault(m => string.Equals(m.Model, model, StringComparison.OrdinalIgnoreCase));

    /// <summary>Each replica's stats of a model, by replica.</summary>
    public IReadOnlyList<(ReplicaStats Replica, ModelLiveStats Model)> ReplicasOf(string model) =>
        Stats is null
            ? []
            : [.. Stats.Replicas.SelectMany(r => r.Models
                .Where(m => string.Equals(m.Model, model, StringComparison.OrdinalIgnoreCase))
                .Select(m => (r, m)))];
}
