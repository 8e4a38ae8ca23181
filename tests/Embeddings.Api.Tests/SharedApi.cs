namespace Embeddings.Api.Tests;

/// <summary>One real API (real models) shared by the tests that do not change its options.</summary>
[CollectionDefinition(Name)]
public sealed class SharedApiCollection : ICollectionFixture<SharedApi>
{
    public const string Name = "shared api";
}

public sealed class SharedApi() : OwnApi(new ApiFactory());
