using System.Text;
using Embeddings.Contracts;
using Embeddings.Core.Batching;
using Embeddings.Core.Models;
using Microsoft.Extensions.Configuration;

namespace Embeddings.Core.Tests.Models;

public class EmbeddingsOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_serve_both_built_in_models()
    {
        var options = new EmbeddingsOptions();

        Assert.Empty(EmbeddingsOptionsValidator.Check(options));
        Assert.Equal([BuiltInModels.MiniLmId, BuiltInModels.ArcticXsId], ModelCatalog.Enabled(options).Select(m => m.Id));
        Assert.True(Path.IsPathFullyQualified(options.ModelsDirectory));
        Assert.EndsWith("model-packages", options.ModelPackagesDirectory, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_binds_the_documented_shape()
    {
        const string json = """
            {
              "Embeddings": {
                "ModelsDirectory": "/var/lib/embeddings/models",
                "Models": {
                  "arctic-embed-xs": { "Enabled": false },
                  "all-minilm-l6-v2": {
                    "ExecutionProvider": "cuda",
                    "IntraOpThreads": 1,
                    "Batching": { "MaxBatchSize": 16, "MaxWaitMs": 2, "MaxConcurrentBatches": 2 }
                  },
                  "minilm-short": { "Source": "builtin:all-minilm-l6-v2", "MaxTokens": 128 },
                  "my-bert": {
                    "Path": "/srv/models/my-bert",
                    "Pooling": "Cls",
                    "MaxTokens": 512,
                    "Dimensions": 768,
                    "Normalize": true,
                    "Prompts": { "query": "query: ", "passage": "passage: " }
                  }
                }
              }
            }
            """;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

        var options = configuration.GetSection(EmbeddingsOptions.SectionName).Get<EmbeddingsOptions>()!;

        Assert.Empty(EmbeddingsOptionsValidator.Check(options));
        Assert.Equal("/var/lib/embeddings/models", options.ModelsDirectory);
        Assert.Equal(["all-minilm-l6-v2", "minilm-short", "my-bert"], ModelCatalog.Enabled(options).Select(m => m.Id));
        var minilm = options.Models["ALL-MINILM-L6-V2"];
        Assert.Equal(("cuda", 1), (minilm.ExecutionProvider, minilm.IntraOpThreads));
        Assert.Equal(new BatchingOptions { MaxBatchSize = 16, MaxWaitMs = 2, MaxConcurrentBatches = 2 }, minilm.Batching);
        Assert.Equal((PoolingMode.Cls, 768, "passage: "), (options.Models["my-bert"].Pooling, options.Models["my-bert"].Dimensions, options.Models["my-bert"].Prompts!["passage"]));
    }

    [Fact]
    public void Every_broken_rule_is_named_with_its_model()
    {
        var options = new EmbeddingsOptions
        {
            Models = new()
            {
                ["both"] = new ModelOptions { Source = "builtin:all-minilm-l6-v2", Path = "/x", Pooling = PoolingMode.Mean },
                ["unknown"] = new ModelOptions { Source = "builtin:gpt-17" },
                ["no-pooling"] = new ModelOptions { Path = "/models/x" },
                ["neither"] = new ModelOptions(),
                ["bad/id"] = new ModelOptions { Source = "builtin:arctic-embed-xs" },
                [BuiltInModels.MiniLmId] = new ModelOptions
                {
                    MaxTokens = 1, ExecutionProvider = "tpu", IntraOpThreads = -1, Batching = new BatchingOptions { MaxBatchSize = 0 },
                },
            },
        };

        var errors = EmbeddingsOptionsValidator.Check(options);

        Assert.Contains(errors, e => e.Contains("Models:both", StringComparison.Ordinal) && e.Contains("not both", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Models:unknown", StringComparison.Ordinal) && e.Contains("builtin:gpt-17", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Models:no-pooling", StringComparison.Ordinal) && e.Contains("Pooling", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Models:neither", StringComparison.Ordinal) && e.Contains("Source", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Models:bad/id", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MaxTokens", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'tpu'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("IntraOpThreads", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Batching", StringComparison.Ordinal) && e.Contains("maxBatchSize", StringComparison.Ordinal));
        Assert.True(new EmbeddingsOptionsValidator().Validate(null, options).Failed);
    }

    [Fact]
    public void Ids_that_differ_only_in_case_are_refused()
    {
        var options = new EmbeddingsOptions
        {
            Models = new(StringComparer.Ordinal)
            {
                ["My-Model"] = new ModelOptions { Source = "builtin:arctic-embed-xs" },
                ["my-model"] = new ModelOptions { Source = "builtin:arctic-embed-xs" },
            },
        };

        Assert.Contains(EmbeddingsOptionsValidator.Check(options), e => e.Contains("'My-Model', 'my-model'", StringComparison.Ordinal));
    }

    [Fact]
    public void Disabling_every_model_is_refused_at_load()
    {
        var options = new EmbeddingsOptions
        {
            Models = new()
            {
                [BuiltInModels.MiniLmId] = new ModelOptions { Enabled = false },
                [BuiltInModels.ArcticXsId] = new ModelOptions { Enabled = false },
            },
        };

        var error = Assert.Throws<InvalidOptionsException>(() => ModelCatalog.Load(options, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));

        Assert.Contains("every model is disabled", error.Message, StringComparison.Ordinal);
    }
}
