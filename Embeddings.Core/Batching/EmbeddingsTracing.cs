using System.Diagnostics;

namespace Embeddings.Core.Batching;

/// <summary>
/// The engine's spans, on the <see cref="ActivitySource"/> <see cref="Name"/> (OpenTelemetry exports it; ServiceDefaults
/// registers it). Each queued input gets a <c>queue wait</c> span under its caller's span, ending when its batch starts;
/// each model call gets an <c>embed batch</c> span with its size, padded tokens, padding efficiency and model, and a
/// link to every caller it served (the wait spans link back), so one request leads to its batch and its batch-mates.
/// </summary>
public static class EmbeddingsTracing
{
    public const string Name = "Embeddings";

    internal static readonly ActivitySource Source = new(Name);

    /// <summary>Starts a queue-wait span under the current span (if anyone listens), leaving the caller's span current.</summary>
    internal static Activity? StartQueueWait(string model)
    {
        var caller = Activity.Current;
        if (caller is null)
        {
            return null;
        }

        var wait = Source.StartActivity("queue wait");
        wait?.SetTag("embeddings.model", model);
        Activity.Current = caller; // StartActivity made the wait current; the caller carries on in its own span
        return wait;
    }
}
