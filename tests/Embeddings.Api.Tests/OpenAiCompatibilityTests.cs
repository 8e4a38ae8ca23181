using System.ClientModel;
using System.Runtime.InteropServices;
using Embeddings.Core.Models;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Embeddings;

namespace Embeddings.Api.Tests;

/// <summary>Unchanged OpenAI clients, pointed at our base URL, get the same vectors as the native route.</summary>
[Collection(SharedApiCollection.Name)]
public sealed class OpenAiCompatibilityTests(SharedApi api) : OnSharedApi(api)
{
    private static readonly string[] Texts = ["The cat sits on the mat.", "Quarterly revenue grew by eight percent.", "短い日本語の文"];

    [Fact]
    public async Task OpenAI_sdk_embedding_client_round_trips()
    {
        var client = new EmbeddingClient(ApiFactory.MiniLm, new ApiKeyCredential("not-needed"), ClientOptions());

        var single = await client.GenerateEmbeddingAsync(Texts[0]);
        var many = await client.GenerateEmbeddingsAsync(Texts);

        AssertMatchesNative(Texts[0], single.Value.ToFloats().ToArray());
        Assert.Equal(Texts.Length, many.Value.Count);
        for (var i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(i, many.Value[i].Index);
            AssertMatchesNative(Texts[i], many.Value[i].ToFloats().ToArray());
        }
    }

    [Fact]
    public async Task Microsoft_Extensions_AI_embedding_generator_round_trips()
    {
        IEmbeddingGenerator<string, Embedding<float>> generator =
            new EmbeddingClient(ApiFactory.MiniLm, new ApiKeyCredential("not-needed"), ClientOptions()).AsIEmbeddingGenerator();

        var embeddings = await generator.GenerateAsync(Texts);

        Assert.Equal(Texts.Length, embeddings.Count);
        for (var i = 0; i < Texts.Length; i++)
        {
            AssertMatchesNative(Texts[i], embeddings[i].Vector.ToArray());
        }

        Assert.True(embeddings.Usage?.InputTokenCount > 0);
    }

    [Fact]
    public async Task Float_and_base64_encodings_carry_the_same_vector()
    {
        using var asFloat = await Api.Client.PostAsync(new Uri("/v1/embeddings", UriKind.Relative),
            Json.Body(new { model = ApiFactory.MiniLm, input = Texts, encoding_format = "float" }));
        using var asBase64 = await Api.Client.PostAsync(new Uri("/v1/embeddings", UriKind.Relative),
            Json.Body(new { model = ApiFactory.MiniLm, input = Texts, encoding_format = "base64" }));

        var floatBody = await Json.ReadAsync(asFloat);
        var base64Body = await Json.ReadAsync(asBase64);
        Assert.Equal("list", floatBody["object"]!.GetValue<string>());
        Assert.Equal(ApiFactory.MiniLm, floatBody["model"]!.GetValue<string>());
        Assert.True(floatBody["usage"]!["prompt_tokens"]!.GetValue<int>() > 0);
        Assert.Equal(floatBody["usage"]!["prompt_tokens"]!.GetValue<int>(), floatBody["usage"]!["total_tokens"]!.GetValue<int>());

        for (var i = 0; i < Texts.Length; i++)
        {
            var floatItem = floatBody["data"]![i]!;
            Assert.Equal("embedding", floatItem["object"]!.GetValue<string>());
            Assert.Equal(i, floatItem["index"]!.GetValue<int>());
            var fromFloat = floatItem["embedding"]!.AsArray().Select(x => x!.GetValue<float>()).ToArray();
            var bytes = Convert.FromBase64String(base64Body["data"]![i]!["embedding"]!.GetValue<string>());
            var fromBase64 = MemoryMarshal.Cast<byte, float>(bytes).ToArray();

            Assert.Equal(fromFloat, fromBase64);
            AssertMatchesNative(Texts[i], fromFloat);
        }
    }

    private OpenAIClientOptions ClientOptions() => new() { Endpoint = new Uri(Api.Client.BaseAddress!, "v1/") };

    private void AssertMatchesNative(string text, float[] vector)
    {
        var model = Api.Factory.Registry.Get(ApiFactory.MiniLm).Model;
        var expected = VectorMath.Normalized(model.Embed([model.Tokenize(text, truncate: true)])[0]);
        Assert.Equal(384, vector.Length);
        Assert.True(VectorMath.Cosine(expected, vector) >= 0.9999f);
    }
}
