using Xunit.Abstractions;

namespace Embeddings.Api.Tests.Contract;

/// <summary>A client Kiota generates from the served document calls every route of a real server, and every answer is
/// what the document says (<see cref="ConformanceHandler"/>): the document is a contract a generated client can trust.</summary>
[Collection(GeneratedClientCollection.Name)]
public sealed class GeneratedClientTests(GeneratedClientFixture client, ITestOutputHelper output)
{
    [Fact]
    public Task Embeds_one_text_and_several() => client.NewCalls().EmbedAsync();

    [Fact]
    public Task An_unknown_model_is_the_generated_problem_type_with_404() => client.NewCalls().EmbedWithUnknownModelAsync();

    [Fact]
    public Task Embeds_through_the_OpenAI_route_as_floats_and_base64() => client.NewCalls().OpenAiEmbeddingsAsync();

    [Fact]
    public Task Lists_the_models_and_reads_one() => client.NewCalls().ModelsAsync();

    [Fact]
    public Task Reads_the_cluster_stats() => client.NewCalls().StatsAsync();

    [Fact]
    public Task Changes_and_resets_batching_with_the_admin_key() => client.NewCalls().ChangeBatchingWithAdminKeyAsync();

    [Fact]
    public Task A_batching_change_without_a_key_is_the_generated_problem_type_with_401() => client.NewCalls().ChangeBatchingWithoutKeyAsync();

    [Fact]
    public async Task Every_operation_of_the_document_is_called_through_the_generated_client()
    {
        var conformance = new DocumentConformance(client.Document);
        var calls = client.NewCalls(conformance);

        await calls.EmbedAsync();
        await calls.EmbedWithUnknownModelAsync();
        await calls.OpenAiEmbeddingsAsync();
        await calls.ModelsAsync();
        await calls.StatsAsync();
        await calls.ChangeBatchingWithAdminKeyAsync();
        await calls.ChangeBatchingWithoutKeyAsync();

        var documented = client.Document.Operations.Select(o => $"{o.Method} {o.Path}").Order(StringComparer.Ordinal);
        Assert.Equal(documented, conformance.OperationsSeen.Order(StringComparer.Ordinal));
        output.WriteLine($"Called through the generated client: {string.Join(", ", conformance.OperationsSeen.Order(StringComparer.Ordinal))}");
    }

    [Fact]
    public void Kiota_generates_the_client_without_a_warning()
    {
        output.WriteLine($"Kiota generated {client.GeneratedFiles} files in {client.Generation.Elapsed.TotalSeconds:0.0} s "
            + $"(dotnet tool run, start to end); Roslyn compiled them with the calls in {client.CompileTime.TotalSeconds:0.0} s.");
        output.WriteLine(client.Generation.Everything);

        Assert.True(client.GeneratedFiles > 10, $"Kiota generated {client.GeneratedFiles} files.");
        Assert.DoesNotContain("warn", client.Generation.Everything, StringComparison.OrdinalIgnoreCase);
    }
}
