using Embeddings.Core.Models;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Embeddings.Core.Onnx;

/// <summary>Creates the one <see cref="InferenceSession"/> of a model on the asked-for execution provider,
/// falling back from CUDA to the CPU, with one warning, where CUDA cannot be used.</summary>
internal static partial class OnnxSessionFactory
{
    public static (InferenceSession Session, string Provider) Create(OnnxModelSettings settings, ILogger logger)
    {
        if (string.Equals(settings.ExecutionProvider, ExecutionProviders.Cuda, StringComparison.OrdinalIgnoreCase))
        {
            var options = CreateOptions(settings);
            try
            {
                options.AppendExecutionProvider_CUDA(0);
            }
            catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                options.Dispose();
                LogCudaFallback(logger, settings.Id, e.Message);
                return (CreateSession(settings, CreateOptions(settings)), ExecutionProviders.Cpu);
            }

            try
            {
                return (new InferenceSession(settings.ModelPath, options), ExecutionProviders.Cuda);
            }
            catch (OnnxRuntimeException e)
            {
                // CUDA was accepted but the session failed on it (no device, a missing cuDNN, ...). If the model itself
                // is at fault, the CPU attempt below fails too and reports it.
                LogCudaFallback(logger, settings.Id, e.Message);
            }
            finally
            {
                options.Dispose();
            }
        }

        return (CreateSession(settings, CreateOptions(settings)), ExecutionProviders.Cpu);
    }

    private static SessionOptions CreateOptions(OnnxModelSettings settings) => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        IntraOpNumThreads = settings.IntraOpThreads,
        InterOpNumThreads = 1,
        // Every batch has its own [batch, seq] shape; a memory pattern planned for one shape rarely fits the next.
        EnableMemoryPattern = false,
    };

    private static InferenceSession CreateSession(OnnxModelSettings settings, SessionOptions options)
    {
        using (options)
        {
            try
            {
                return new InferenceSession(settings.ModelPath, options);
            }
            catch (OnnxRuntimeException e)
            {
                throw new ModelLoadException(settings.Id, settings.ModelPath, $"ONNX Runtime cannot load it: {e.Message}", e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Model '{ModelId}' asked for the CUDA execution provider, which cannot be used here, so it runs on the CPU. Reason: {Reason}")]
    private static partial void LogCudaFallback(ILogger logger, string modelId, string reason);
}
