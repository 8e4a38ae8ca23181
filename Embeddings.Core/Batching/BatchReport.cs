namespace Embeddings.Core.Batching;

/// <summary>What one model call did; raised by <see cref="BatchProcessor.BatchCompleted"/> on the runner thread.</summary>
/// <param name="Model">The model id.</param>
/// <param name="BatchSize">Inputs in the call.</param>
/// <param name="RealTokens">Sum of the inputs' token counts.</param>
/// <param name="PaddedTokens">Longest input x count.</param>
/// <param name="InferenceTime">Duration of the call.</param>
/// <param name="MaxQueueTime">Longest wait of an input of this call, from admission to the call's start.</param>
/// <param name="Failed">Whether the call threw (every input got <see cref="Models.ModelFailedException"/>).</param>
public sealed record BatchReport(
    string Model,
    int BatchSize,
    long RealTokens,
    long PaddedTokens,
    TimeSpan InferenceTime,
    TimeSpan MaxQueueTime,
    bool Failed)
{
    public double PaddingEfficiency => PaddedTokens == 0 ? 1 : (double)RealTokens / PaddedTokens;
}
