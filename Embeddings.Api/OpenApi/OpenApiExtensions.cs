using Embeddings.Api.Config;

namespace Embeddings.Api.OpenApi;

public static class OpenApiExtensions
{
    /// <summary>The OpenAPI document (<c>/openapi/v1.json</c>) as the contract that generated clients are built from:
    /// what the API is and who may call what (<see cref="DocumentInfoTransformer"/>, <see cref="SecurityTransformer"/>),
    /// every problem answer with its headers (<see cref="ProblemResponsesTransformer"/>), and the shapes that custom
    /// JSON converters read and write (<see cref="BatchingPatchSchemaTransformer"/>, <see cref="ConverterSchemaTransformer"/>,
    /// <see cref="OpenAiEmbeddingSchemaTransformer"/>, <see cref="ProblemDetailsSchemaTransformer"/>); examples and headers are declared
    /// beside their routes (<see cref="OperationExamples"/>).</summary>
    public static IServiceCollection AddEmbeddingsOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<DocumentInfoTransformer>();
            options.AddDocumentTransformer<SecurityTransformer>();
            options.AddOperationTransformer<SecurityTransformer>();
            options.AddOperationTransformer<ProblemResponsesTransformer>();
            options.AddSchemaTransformer<BatchingPatchSchemaTransformer>();
            options.AddSchemaTransformer<ConverterSchemaTransformer>();
            options.AddSchemaTransformer<OpenAiEmbeddingSchemaTransformer>();
            options.AddSchemaTransformer<ProblemDetailsSchemaTransformer>();
        });
}
