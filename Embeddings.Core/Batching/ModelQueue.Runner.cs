using System.Diagnostics;
using Embeddings.Core.Models;

namespace Embeddings.Core.Batching;

/// <summary>What runs on a runner thread: one batch, one model call.</summary>
internal sealed partial class ModelQueue
{
    private const string StoppedRunMessage =
        "The embedding service stopped this input's batch while it ran: the drain at shutdown ran out of time. Retry on another replica.";

    /// <summary>A runner has answered one of this model's batches: one fewer in flight, and the dispatcher looks again.</summary>
    public void BatchFinished()
    {
        Interlocked.Decrement(ref _inFlight);
        _commands.Writer.TryWrite(default);
    }

    /// <summary>Runs one batch and answers every caller in it, with its vector or with the batch's error. Never throws.
    /// Returns what the batch cost: its padded tokens (longest × count).</summary>
    public long RunBatch(PendingRequest[] batch)
    {
        try
        {
            return RunModel(batch);
        }
        catch (Exception ex)
        {
            // RunModel answers its callers itself; this last guard makes sure no caller is left waiting.
            BatchingLog.BatchFailed(_logger, ex, Id, batch.Length);
            var failure = new ModelFailedException(Id, ex);
            foreach (var request in batch)
            {
                request.Fail(failure);
            }

            return batch.Length;
        }
    }

    private long RunModel(PendingRequest[] batch)
    {
        var count = batch.Length;
        var inputs = new TokenizedInput[count];
        long realTokens = 0;
        var longest = 0;
        for (var i = 0; i < count; i++)
        {
            inputs[i] = batch[i].Input;
            realTokens += inputs[i].Count;
            longest = Math.Max(longest, inputs[i].Count);
        }

        var paddedTokens = (long)longest * count;
        using var span = StartBatchSpan(batch, realTokens, paddedTokens);
        var start = _time.GetTimestamp();
        float[][]? vectors = null;
        Exception? error = null;
        try
        {
            vectors = _model.Embed(inputs, _abandoned);
            CheckVectors(vectors, count);
        }
        catch (Exception ex)
        {
            error = ex;
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
        }

        var inference = _time.GetElapsedTime(start);
        var waits = new TimeSpan[count];
        for (var i = 0; i < count; i++)
        {
            waits[i] = _time.GetElapsedTime(batch[i].EnqueuedAt, start);
        }

        // Record before answering, so a caller that looks at the stats after its answer sees its batch.
        Stats.Batch(count, realTokens, paddedTokens, inference, waits, failed: error is not null);
        if (error is null)
        {
            MeasureBatch(paddedTokens, inference, waits);
        }
        if (error is not null)
        {
            EmbeddingException failure = _abandoned.IsCancellationRequested
                ? new ShuttingDownException(StoppedRunMessage)
                : new ModelFailedException(Id, error);
            if (failure is ModelFailedException)
            {
                BatchingLog.BatchFailed(_logger, error, Id, count);
            }

            foreach (var request in batch)
            {
                request.Fail(failure);
            }

            return paddedTokens;
        }

        for (var i = 0; i < count; i++)
        {
            var vector = vectors![i];
            if (batch[i].Normalize)
            {
                VectorMath.L2Normalize(vector);
            }

            batch[i].Complete(new ModelEmbedding(vector, inputs[i].Count, new BatchTimings(waits[i], inference, count)));
        }

        return paddedTokens;
    }

    /// <summary>The batch's span (if anyone listens), linked to every caller it serves; each caller's queue-wait span
    /// ends here, linked back to it.</summary>
    private Activity? StartBatchSpan(PendingRequest[] batch, long realTokens, long paddedTokens)
    {
        var links = batch.Where(r => r.Caller != default).Select(r => new ActivityLink(r.Caller)).ToArray();
        var span = EmbeddingsTracing.Source.StartActivity("embed batch", ActivityKind.Internal, parentContext: default, links: links);
        if (span is not null)
        {
            span.SetTag("embeddings.model", Id);
            span.SetTag("batch.size", batch.Length);
            span.SetTag("batch.tokens", paddedTokens);
            span.SetTag("batch.real_tokens", realTokens);
            span.SetTag("batch.padding_efficiency", paddedTokens == 0 ? 1 : (double)realTokens / paddedTokens);
        }

        foreach (var request in batch)
        {
            if (span is not null)
            {
                request.Wait?.AddLink(new ActivityLink(span.Context));
            }

            request.Wait?.Stop();
        }

        return span;
    }

    private void CheckVectors(float[][]? vectors, int count)
    {
        if (vectors is null || vectors.Length != count)
        {
            throw new InvalidOperationException($"Model '{Id}' returned {vectors?.Length ?? 0} vectors for a batch of {count} inputs.");
        }

        if (Array.Exists(vectors, v => v is null))
        {
            throw new InvalidOperationException($"Model '{Id}' returned a null vector.");
        }
    }
}
