using Embeddings.Core.Batching;

namespace Embeddings.Core.Tests.Batching;

/// <summary>The shared slots as a policy, driven step by step: models claim, slots are granted, batches finish with a
/// cost. No clock and no engine: what the scheduler decides at each step. Most tests hold the fair-queuing core with no
/// slack (<see cref="Scheduler"/>'s default); the slack's own tests use the shipped one.</summary>
public sealed class InferenceSchedulerTests : IDisposable
{
    private readonly List<InferenceScheduler> _schedulers = [];

    [Fact]
    public void A_model_alone_gets_every_slot_up_to_its_cap()
    {
        var scheduler = Scheduler(slots: 4);
        var alone = new Queue("alone", cap: 8);

        for (var i = 0; i < 4; i++)
        {
            scheduler.Request(alone, full: true);
        }

        Assert.Equal(4, alone.Slots.Count);
        Assert.Equal(4, scheduler.Busy);

        var capped = new Queue("capped", cap: 2);
        var other = Scheduler(slots: 4);
        for (var i = 0; i < 4; i++)
        {
            other.Request(capped, full: true);
        }

        Assert.Equal(2, capped.Slots.Count); // its cap, though two slots are free
    }

    [Fact]
    public void A_cap_changed_live_holds_from_the_next_grant()
    {
        var scheduler = Scheduler(slots: 3);
        var model = new Queue("model", cap: 1);
        scheduler.Request(model, full: true);
        scheduler.Request(model, full: true);
        Assert.Single(model.Slots);

        model.Cap = 3;
        scheduler.Request(model, full: true); // the queue asks again whenever it looks (its options changed)

        Assert.Equal(2, model.Slots.Count);
    }

    [Fact]
    public void A_freed_slot_goes_to_the_least_served_model_so_a_quiet_one_is_not_shut_out()
    {
        var scheduler = Scheduler(slots: 1);
        var busy = new Queue("busy", cap: 1);
        var quiet = new Queue("quiet", cap: 1);
        scheduler.Request(busy, full: true);
        Finish(scheduler, busy, cost: 1000); // busy has been served; it asks again at once, and so does quiet
        scheduler.Request(busy, full: true);
        Assert.Equal(2, busy.Grants); // nothing else wanted the slot

        scheduler.Request(quiet, full: false);
        Finish(scheduler, busy, cost: 1000);
        scheduler.Request(busy, full: true);

        Assert.Equal(1, quiet.Grants); // quiet went first, though busy's batch was full and its claim older
        Assert.Equal(2, busy.Grants);
    }

    [Fact]
    public void Two_busy_models_share_the_slots_in_proportion_to_what_their_batches_cost()
    {
        var scheduler = Scheduler(slots: 2);
        var cheap = new Queue("cheap", cap: 2);
        var dear = new Queue("dear", cap: 2);
        scheduler.Request(cheap, full: true);
        scheduler.Request(dear, full: true);

        // Both always have a full batch waiting; a cheap batch costs 100 padded tokens, a dear one 300.
        for (var round = 0; round < 400; round++)
        {
            var (queue, cost) = round % 2 == 0 && cheap.Slots.Count > 0 ? (cheap, 100) : dear.Slots.Count > 0 ? (dear, 300) : (cheap, 100);
            Finish(scheduler, queue, cost);
            scheduler.Request(cheap, full: true);
            scheduler.Request(dear, full: true);
        }

        // Equal service in tokens: about three cheap batches for every dear one.
        var ratio = (double)cheap.Grants / dear.Grants;
        Assert.InRange(ratio, 2.5, 3.5);
    }

    [Fact]
    public void No_model_starves_whatever_the_others_ask()
    {
        var scheduler = Scheduler(slots: 2);
        var floods = Enumerable.Range(0, 5).Select(i => new Queue($"flood {i}", cap: 2)).ToArray();
        var late = new Queue("late", cap: 2);
        foreach (var flood in floods)
        {
            scheduler.Request(flood, full: true);
        }

        for (var round = 0; round < 50; round++)
        {
            var holder = floods.First(f => f.Slots.Count > 0);
            Finish(scheduler, holder, cost: 64);
            scheduler.Request(holder, full: true);
            if (round == 10)
            {
                scheduler.Request(late, full: false);
            }

            if (round > 12)
            {
                Assert.Equal(1, late.Grants); // within two slot turns of asking, and it stays served
                break;
            }
        }

        Assert.All(floods, f => Assert.True(f.Grants > 0, $"{f} was served"));
    }

    [Fact]
    public void Between_equally_served_models_a_full_batch_goes_before_one_due_by_time()
    {
        var scheduler = Scheduler(slots: 1);
        var holder = new Queue("holder", cap: 1);
        scheduler.Request(holder, full: true);
        var timed = new Queue("timed", cap: 1);
        var full = new Queue("full", cap: 1);
        scheduler.Request(timed, full: false);
        scheduler.Request(full, full: true);

        Finish(scheduler, holder, cost: 10);

        Assert.Equal((1, 0), (full.Grants, timed.Grants));
    }

    [Fact]
    public void A_model_back_from_idle_brings_no_saved_up_credit()
    {
        var scheduler = Scheduler(slots: 1);
        var steady = new Queue("steady", cap: 1);
        var sleeper = new Queue("sleeper", cap: 1);
        scheduler.Request(steady, full: true);
        for (var round = 0; round < 20; round++)
        {
            Finish(scheduler, steady, cost: 100); // steady alone: 2000 tokens of service
            scheduler.Request(steady, full: true);
        }

        scheduler.Request(sleeper, full: true); // joins at steady's service, not at 0
        for (var round = 0; round < 10; round++)
        {
            var holder = steady.Slots.Count > 0 ? steady : sleeper;
            Finish(scheduler, holder, cost: 100);
            scheduler.Request(holder, full: true);
        }

        Assert.InRange(sleeper.Grants, 4, 6); // half the slots from its return, not all of them
    }

    [Fact]
    public void Credit_is_not_saved_up_across_a_moment_when_every_model_is_idle()
    {
        // The benchmark's case: one model runs alone a while, its one client pauses between requests, and at that
        // moment another model arrives. The newcomer must not start from its old service and hold the slot until it
        // has caught up with everything the first model ran alone.
        var scheduler = Scheduler(slots: 1);
        var steady = new Queue("steady", cap: 1);
        var newcomer = new Queue("newcomer", cap: 1);
        scheduler.Request(steady, full: true);
        for (var round = 0; round < 20; round++)
        {
            Finish(scheduler, steady, cost: 100);
            if (round < 19)
            {
                scheduler.Request(steady, full: true);
            }
        }

        Assert.Equal(0, scheduler.Busy); // nothing runs and nothing waits
        scheduler.Request(newcomer, full: true);
        scheduler.Request(steady, full: true);
        for (var round = 0; round < 10; round++)
        {
            var holder = steady.Slots.Count > 0 ? steady : newcomer;
            Finish(scheduler, holder, cost: 100);
            scheduler.Request(holder, full: true);
        }

        Assert.InRange(newcomer.Grants, 5, 7); // about half from here on, not all eleven
    }

    [Fact]
    public void A_model_that_withdraws_or_returns_its_slot_frees_its_share_for_the_others()
    {
        var scheduler = Scheduler(slots: 2);
        var failing = new Queue("failing", cap: 2);
        var healthy = new Queue("healthy", cap: 2);
        scheduler.Request(failing, full: true);
        scheduler.Request(healthy, full: true);
        scheduler.Request(healthy, full: true); // waits: both slots are out
        Assert.Equal((1, 1), (failing.Slots.Count, healthy.Slots.Count));

        scheduler.Withdraw(failing); // its engine stopped: no more claims
        scheduler.Return(failing, failing.Slots.Pop()); // and the slot it held comes back

        Assert.Equal(2, healthy.Slots.Count);
        Assert.Equal(0, scheduler.Held(failing));
    }

    [Fact]
    public void Within_the_slack_the_oldest_input_goes_first_as_one_queue_would()
    {
        var scheduler = Scheduler(slots: 1, InferenceScheduler.DefaultSlack);
        var holder = new Queue("holder", cap: 1);
        scheduler.Request(holder, full: true, oldest: 0);
        var (a, b, c) = (new Queue("a", cap: 1), new Queue("b", cap: 1), new Queue("c", cap: 1));
        scheduler.Request(a, full: true, oldest: 30);
        scheduler.Request(b, full: false, oldest: 10);
        scheduler.Request(c, full: true, oldest: 20);

        var order = new List<Queue>();
        var running = holder;
        for (var i = 0; i < 3; i++)
        {
            Finish(scheduler, running, cost: 200);
            running = new[] { a, b, c }.Single(q => q.Slots.Count > 0);
            order.Add(running);
        }

        Assert.Equal([b, c, a], order); // by age, though b's batch is not full and a asked first
    }

    [Fact]
    public void A_quiet_model_goes_before_the_older_backlog_of_a_flooded_one()
    {
        var scheduler = Scheduler(slots: 1, InferenceScheduler.DefaultSlack);
        var flooded = new Queue("flooded", cap: 1);
        var quiet = new Queue("quiet", cap: 1);
        scheduler.Request(flooded, full: true, oldest: 1);
        for (var round = 0; round < 10; round++)
        {
            Finish(scheduler, flooded, cost: 3000); // large batches, alone
            scheduler.Request(flooded, full: true, oldest: 1);
        }

        scheduler.Request(quiet, full: false, oldest: 500); // its input is far younger than the flooded backlog
        Finish(scheduler, flooded, cost: 3000);
        scheduler.Request(flooded, full: true, oldest: 1);

        Assert.Equal(1, quiet.Grants);
    }

    [Fact]
    public void A_model_further_ahead_than_the_slack_waits_for_the_others_whatever_its_age()
    {
        var scheduler = Scheduler(slots: 1, InferenceScheduler.DefaultSlack);
        var older = new Queue("older", cap: 1);
        var younger = new Queue("younger", cap: 1);
        scheduler.Request(older, full: true, oldest: 1);
        scheduler.Request(younger, full: true, oldest: 2);
        for (var round = 0; round < 100; round++)
        {
            var holder = older.Slots.Count > 0 ? older : younger;
            Finish(scheduler, holder, cost: 1000);
            scheduler.Request(holder, full: true, oldest: holder == older ? 1 : 2);
        }

        // The older inputs win while within the slack; beyond it the younger model gets its turn: half each, give or
        // take the slack's worth of batches.
        Assert.InRange(younger.Grants, 45, 51);
    }

    public void Dispose() => _schedulers.ForEach(s => s.Dispose());

    private InferenceScheduler Scheduler(int slots, long slack = 0)
    {
        var scheduler = new InferenceScheduler(slots, slack);
        _schedulers.Add(scheduler);
        return scheduler;
    }

    /// <summary>The batch <paramref name="queue"/> runs on one of its slots finishes, having cost <paramref name="cost"/>.</summary>
    private static void Finish(InferenceScheduler scheduler, Queue queue, long cost) => scheduler.Finished(queue, queue.Slots.Pop(), cost);

    /// <summary>A model's queue as the scheduler sees it: the slots it was granted, and how many in all.</summary>
    private sealed class Queue(string name, int cap) : IScheduledQueue
    {
        public int Cap { get; set; } = cap;

        public Stack<BatchRunner> Slots { get; } = new();

        public int Grants { get; private set; }

        public void Granted(BatchRunner runner)
        {
            Slots.Push(runner);
            Grants++;
        }

        public override string ToString() => name;
    }
}
