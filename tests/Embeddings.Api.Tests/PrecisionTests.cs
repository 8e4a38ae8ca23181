using Embeddings.Api.Cache;
using Embeddings.Core.Models;

namespace Embeddings.Api.Tests;

/// <summary>An API whose all-MiniLM-L6-v2 runs in int8, built at its start in a models folder of its own (deleted after).</summary>
public sealed class Int8Api() : OwnApi(new ApiFactory(settings: new()
{
    ["Embeddings:ModelsDirectory"] = Folder,
    ["Embeddings:Models:arctic-embed-xs:Enabled"] = "false",
    ["Embeddings:Models:all-minilm-l6-v2:Precision"] = "int8",
})), IAsyncLifetime
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), $"embeddings-api-int8-{Guid.NewGuid():N}");

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is not worth failing the run for.
        }
    }
}

/// <summary>A model configured for int8: shown with its precision and quality, serving vectors, and cached apart from fp32.</summary>
public sealed class PrecisionTests(Int8Api api) : IClassFixture<Int8Api>
{
    private HttpClient Client => api.Client;

    private ApiFactory Factory => api.Factory;

    [Fact]
    public async Task Get_model_shows_int8_and_its_cosine_to_fp32_on_the_calibration_set()
    {
        using var response = await Client.GetAsync(new Uri($"/models/{ApiFactory.MiniLm}", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        var body = await Json.ReadAsync(response);

        Assert.Equal("int8", body["precision"]!.GetValue<string>());
        var quality = body["quality"]!;
        Assert.InRange(quality["meanCosine"]!.GetValue<double>(), 0.995, 1.0);
        Assert.InRange(quality["minCosine"]!.GetValue<double>(), 0.98, 1.0);
        Assert.Equal(Embeddings.Core.Onnx.Quantization.Calibration.CalibrationSet.Sentences.Count, quality["sentences"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_int8_model_embeds_and_its_vectors_are_cached_under_a_key_that_names_the_precision()
    {
        using var response = await Client.PostAsync(new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative),
            Json.Body(new { inputs = new[] { "The weather is lovely today.", "It's so sunny outside!" } }));
        response.EnsureSuccessStatusCode();
        var vectors = Json.Embeddings(await Json.ReadAsync(response));
        Assert.InRange(VectorMath.Cosine(vectors[0], vectors[1]), 0.656, 0.676);

        var int8 = Factory.Registry.Get(ApiFactory.MiniLm).Model.Descriptor;
        var fp32 = int8 with { Precision = Precisions.Fp32, Quality = null };
        Assert.Contains($":{int8.Revision}:int8:", CacheKey.For(int8, true, true, null, "text"), StringComparison.Ordinal);
        Assert.NotEqual(CacheKey.For(fp32, true, true, null, "text"), CacheKey.For(int8, true, true, null, "text"));
    }
}
