using Embeddings.Admin.Live;
using Embeddings.Admin.Tests.Support;

namespace Embeddings.Admin.Tests.Live;

/// <summary>When the poller reads the model list again: first, for a model it lacks, and when a model's config version
/// moved past the listed one; not at every poll.</summary>
public class ModelListWatchTests
{
    private static Contracts.ClusterStats Stats(params (string Model, long Version)[] models) =>
        Data.Cluster(Data.Noon, [], [.. models.Select(m => Data.Live(m.Model, 10, version: m.Version))]);

    [Fact]
    public void The_list_is_read_first_and_then_only_when_it_is_out_of_date()
    {
        var watch = new ModelListWatch();
        Assert.True(watch.ShouldRead(Stats((Data.MiniLm, 1)), listed: null));

        IReadOnlyList<Contracts.ModelInfo> listed = [Data.Model(Data.MiniLm, version: 1)];
        Assert.False(watch.ShouldRead(Stats((Data.MiniLm, 1)), listed));
        Assert.False(watch.ShouldRead(Stats((Data.MiniLm, 1)), listed));
    }

    [Fact]
    public void A_model_the_list_lacks_is_read()
    {
        var watch = new ModelListWatch();

        Assert.True(watch.ShouldRead(Stats((Data.MiniLm, 0), (Data.Arctic, 0)), [Data.Model(Data.MiniLm)]));
    }

    [Fact]
    public void A_config_version_that_moved_past_the_listed_one_is_read_once_per_move()
    {
        var watch = new ModelListWatch();
        IReadOnlyList<Contracts.ModelInfo> listed = [Data.Model(Data.MiniLm, version: 1), Data.Model(Data.Arctic, version: 4)];
        Assert.False(watch.ShouldRead(Stats((Data.MiniLm, 1), (Data.Arctic, 4)), listed));

        Assert.True(watch.ShouldRead(Stats((Data.MiniLm, 2), (Data.Arctic, 4)), listed));
        Assert.False(watch.ShouldRead(Stats((Data.MiniLm, 2), (Data.Arctic, 4)), listed));
        Assert.False(watch.ShouldRead(Stats((Data.MiniLm, 2), (Data.Arctic, 4)), [Data.Model(Data.MiniLm, version: 2), Data.Model(Data.Arctic, version: 4)]));
    }

    [Fact]
    public void A_failed_read_is_asked_for_again()
    {
        var watch = new ModelListWatch();
        IReadOnlyList<Contracts.ModelInfo> listed = [Data.Model(Data.MiniLm, version: 1)];
        Assert.True(watch.ShouldRead(Stats((Data.MiniLm, 2)), listed));

        watch.ReadFailed();

        Assert.True(watch.ShouldRead(Stats((Data.MiniLm, 2)), listed));
    }
}
