using Embeddings.Admin.Live;

namespace Embeddings.Admin.Tests.Live;

/// <summary>When a page reads its model again: the live config version moved since its last look and is above the
/// one shown; never twice for one move; again after a failed read.</summary>
public class ConfigVersionWatchTests
{
    [Fact]
    public void A_change_that_landed_between_the_read_and_the_first_look_is_read()
    {
        var watch = new ConfigVersionWatch();

        Assert.True(watch.ShouldRead(live: 2, shown: 1));
    }

    [Fact]
    public void The_first_look_at_the_version_shown_reads_nothing()
    {
        var watch = new ConfigVersionWatch();

        Assert.False(watch.ShouldRead(live: 1, shown: 1));
        Assert.False(watch.ShouldRead(live: 1, shown: 1));
    }

    [Fact]
    public void A_change_made_elsewhere_later_is_read_once()
    {
        var watch = new ConfigVersionWatch();
        Assert.False(watch.ShouldRead(live: 1, shown: 1));

        Assert.True(watch.ShouldRead(live: 2, shown: 1));
        // The read landed on a replica not caught up yet: still 1 shown, but no read every second for it.
        Assert.False(watch.ShouldRead(live: 2, shown: 1));
        Assert.True(watch.ShouldRead(live: 3, shown: 1));
    }

    [Fact]
    public void A_version_the_page_already_shows_is_not_read_again()
    {
        var watch = new ConfigVersionWatch();
        Assert.False(watch.ShouldRead(live: 1, shown: 1));

        // Applied on this page: it shows 2 from the API's answer before the stats say 2.
        Assert.False(watch.ShouldRead(live: 2, shown: 2));
        // Replicas that disagree for a moment: the live version steps back.
        Assert.False(watch.ShouldRead(live: 1, shown: 2));
    }

    [Fact]
    public void A_failed_read_is_asked_for_again_at_the_next_look()
    {
        var watch = new ConfigVersionWatch();
        Assert.True(watch.ShouldRead(live: 2, shown: 1));

        watch.ReadFailed();

        Assert.True(watch.ShouldRead(live: 2, shown: 1));
    }

    [Fact]
    public void Without_a_live_version_or_a_version_shown_there_is_nothing_to_compare()
    {
        var watch = new ConfigVersionWatch();

        Assert.False(watch.ShouldRead(live: null, shown: 1));
        Assert.False(watch.ShouldRead(live: 2, shown: null));
    }
}
