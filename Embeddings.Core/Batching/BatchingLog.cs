using Embeddings.Contracts;
using Microsoft.Extensions.Logging;

namespace Embeddings.Core.Batching;

/// <summary>The batching engine's log messages (source-generated).</summary>
internal static partial class BatchingLog
{
    [LoggerMessage(1, LogLevel.Debug, "Model {Model} queue started with {Options}.")]
    public static partial void QueueStarted(ILogger logger, string model, BatchingOptions options);

    [LoggerMessage(2, LogLevel.Information, "Model {Model} batching options changed to {Options}.")]
    public static partial void OptionsUpdated(ILogger logger, string model, BatchingOptions options);

    [LoggerMessage(3, LogLevel.Error, "Model {Model} failed a batch of {BatchSize} inputs; each caller gets the error.")]
    public static partial void BatchFailed(ILogger logger, Exception error, string model, int batchSize);

    [LoggerMessage(4, LogLevel.Critical, "Model {Model} dispatcher stopped unexpectedly; its queued inputs were failed, and the model refuses work until restart.")]
    public static partial void DispatcherFailed(ILogger logger, Exception error, string model);

    [LoggerMessage(6, LogLevel.Information, "Batch processor shutting down: no new work; dispatching {Queued} queued inputs and waiting for batches in flight.")]
    public static partial void ShutdownStarted(ILogger logger, int queued);

    [LoggerMessage(7, LogLevel.Information, "Batch processor stopped; every accepted input was answered.")]
    public static partial void ShutdownCompleted(ILogger logger);

    [LoggerMessage(8, LogLevel.Debug, "Model {Model} queue stopped: nothing queued, no batch in flight.")]
    public static partial void QueueStopped(ILogger logger, string model);
}
