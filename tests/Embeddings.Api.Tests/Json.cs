using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Embeddings.Api.Tests;

internal static class Json
{
    public static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Body(object value) => Body(JsonSerializer.Serialize(value));

    public static ByteArrayContent Bytes(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    public static float[][] Embeddings(JsonNode body) =>
        [.. body["embeddings"]!.AsArray().Select(v => v!.AsArray().Select(x => x!.GetValue<float>()).ToArray())];

    /// <summary>Asserts an RFC 7807 problem answer with the status and a detail that mentions <paramref name="detailPart"/>.</summary>
    public static async Task<JsonNode> AssertProblemAsync(HttpResponseMessage response, int status, string? detailPart = null)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadAsync(response);
        Assert.Equal(status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(problem["title"]?.GetValue<string>()));
        if (detailPart is not null)
        {
            Assert.Contains(detailPart, problem["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        }

        return problem;
    }
}
