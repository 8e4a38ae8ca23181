using Embeddings.Core.Models;

namespace Embeddings.Core.Batching;

/// <summary>What runs on a runner thread: one gathered batch's parts, each one model call.</summary>
internal sealed partial class ModelQueue
{
    /// <summary>Runs on a runner thread; answers every caller of its parts, then frees the slot.</summary>
    private void RunBatch(PendingRequest[] ordered, List<Range> parts)
    {
        try
        {
            foreach (var part in parts)
            {
                var (offset, length) = part.GetOffsetAndLength(ordered.Length);
                RunPart(new ArraySegment<PendingRequest>(ordered, offset, length));
            }
        }
        catch (Exception ex)
        {
            // RunPart answers its callers itself; this is a last guard so no caller is left waiting.
            var failure = new ModelFailedException(Id, ex);
            BatchingLog.BatchFailed(_logger, ex, Id, ordered.Length);
            foreach (var part in parts)
            {
                foreach (var request in ordered.AsSpan(part))
                {
                    request.Fail(failure);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _slots.Release();
        }
    }

    private void RunPart(ArraySegment<PendingRequest> part)
    {
        var count = part.Count;
        var inputs = new TokenizedInput[count];
        var tokenCounts = new int[count];
        long realTokens = 0;
        var longest = 0;
        for (var i = 0; i < count; i++)
        {
            inputs[i] = part[i].Input;
            tokenCounts[i] = inputs[i].Count;
            realTokens += tokenCounts[i];
            longest = Math.Max(longest, tokenCounts[i]);
        }

        var start = _time.GetTimestamp();
        float[][]? vectors = null;
        Exception? error = null;
        try
        {
            vectors = _model.Embed(inputs);
            CheckVectors(vectors, count);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        var inference = _time.GetElapsedTime(start);
        var waits = new TimeSpan[count];
        double waitSum = 0;
        var maxWait = TimeSpan.Zero;
        for (var i = 0; i < count; i++)
        {
            waits[i] = _time.GetElapsedTime(part[i].EnqueuedAt, start);
            waitSum += waits[i].TotalSeconds;
            maxWait = waits[i] > maxWait ? waits[i] : maxWait;
            _metrics.QueueWait.Record(waits[i].TotalSeconds, _modelTag);
        }

        // Record (stats, metrics, observers) before answering, so a caller that looks after its answer sees its batch.
        var paddedTokens = (long)longest * count;
        var report = new BatchReport(Id, count, realTokens, paddedTokens, inference, maxWait, error is not null);
        _stats.RecordBatch(report, tokenCounts, waitSum);
        _metrics.Batches.Add(1, _modelTag);
        _metrics.BatchSize.Record(count, _modelTag);
        _metrics.BatchTokens.Record(paddedTokens, _modelTag);
        _metrics.PaddingEfficiency.Record(report.PaddingEfficiency, _modelTag);
        _metrics.InferenceDuration.Record(inference.TotalSeconds, _modelTag);
        _onBatch(report);

        if (error is not null)
        {
            BatchingLog.BatchFailed(_logger, error, Id, count);
            _metrics.Failed.Add(count, _modelTag);
            var failure = new ModelFailedException(Id, error);
            foreach (var request in part)
            {
                request.Fail(failure);
            }
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                var request = part[i];
                var vector = vectors![i];
                if (request.Normalize)
                {
                    VectorMath.L2Normalize(vector);
                }

                request.Complete(new ModelEmbedding(vector, tokenCounts[i], new BatchTimings(waits[i], inference, count)));
            }
        }
    }

    private void CheckVectors(float[][]? vectors, int count)
    {
        if (vectors is null || vectors.Length != count)
        {
            throw new InvalidOperationException(
                $"Model '{Id}' returned {vectors?.Length ?? 0} vectors for a batch of {count} inputs.");
        }

        foreach (var vector in vectors)
        {
            if (vector is null)
            {
                throw new InvalidOperationException($"Model '{Id}' returned a null vector.");
            }
        }
    }
}
