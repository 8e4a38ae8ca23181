using static Embeddings.Api.OpenApi.OperationExamples;

namespace Embeddings.Api.OpenApi;

/// <summary>The OpenAPI document's examples of the embedding routes and of a batching change: answers taken from the
/// real server, with vectors cut to their first 4 of 384 values.</summary>
public static class Examples
{
    public static readonly Example[] EmbedRequests =
    [
        new("texts", "Two texts", """{"inputs": ["The cat sits on the mat.", "A kitten rests on a rug."]}"""),
        new("query", "One search query, with the model's query prompt, not normalised",
            """{"inputs": "how do batteries store energy", "prompt": "query", "normalize": false, "truncate": true}"""),
    ];

    public static readonly Example[] EmbedResponses =
    [
        new("texts", "Two vectors, in input order (cut to 4 of their 384 values)", """
            {"model": "all-minilm-l6-v2", "dimensions": 384,
             "embeddings": [[0.13417709, -0.03290031, -0.024803745, 0.04143899], [0.0744526, 0.014573374, 0.019017765, 0.06607168]],
             "usage": {"tokens": 18}}
            """),
    ];

    public static readonly Example[] OpenAiRequests =
    [
        new("float", "One text, vectors as floats", """{"model": "all-minilm-l6-v2", "input": "how do batteries store energy", "encoding_format": "float"}"""),
        new("base64", "Several texts, vectors in base64", """{"model": "all-minilm-l6-v2", "input": ["first text", "second text"], "encoding_format": "base64"}"""),
    ];

    public static readonly Example[] OpenAiResponses =
    [
        new("float", "A vector as floats (cut to 4 of its 384 values)", """
            {"object": "list", "model": "all-minilm-l6-v2", "usage": {"prompt_tokens": 7, "total_tokens": 7},
             "data": [{"object": "embedding", "index": 0, "embedding": [-0.0038911498, 0.11882782, -0.1319194, 0.048868626]}]}
            """),
        new("base64", "The same vector as little-endian float32 in base64 (cut to 4 of its 384 values)", """
            {"object": "list", "model": "all-minilm-l6-v2", "usage": {"prompt_tokens": 7, "total_tokens": 7},
             "data": [{"object": "embedding", "index": 0, "embedding": "qQJ/uwBc8z3hFQe+eCpIPQ=="}]}
            """),
    ];

    public static readonly Example[] BatchingRequests =
    [
        new("smaller-batches", "Smaller batches, dispatched sooner", """{"maxBatchSize": 16, "maxWaitMs": 2}"""),
        new("any-padding", "Accept batches at any padding efficiency, and run one whenever the model is idle",
            """{"minPaddingEfficiency": 0, "dispatchWhenIdle": true}"""),
    ];

    public static readonly Example[] BatchingResponses =
    [
        new("smaller-batches", "The options now applied on every replica, and their config version", """
            {"batching": {"maxBatchSize": 16, "maxWaitMs": 2, "maxBatchTokens": 4096, "minPaddingEfficiency": 0.9, "maxQueueLength": 4096,
                          "maxConcurrentBatches": 2, "dispatchWhenIdle": false, "sortByLength": true},
             "config": {"version": 1, "updatedAt": "2026-12-03T04:21:04.0625171+00:00", "updatedBy": "ops@example.com", "store": "redis", "rejected": null}}
            """),
    ];
}
