namespace Embeddings.Contracts;

/// <summary>How close a model's reduced-precision (int8) vectors are to its fp32 ones: the cosine of each pair of pooled
/// vectors over <paramref name="Sentences"/> calibration sentences, measured when the int8 graph was built.</summary>
public sealed record PrecisionQuality(double MeanCosine, double MinCosine, int Sentences);
