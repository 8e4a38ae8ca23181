using CsCheck;
using Embeddings.Contracts;
using Embeddings.Core.Batching.Latency;

namespace Embeddings.Core.Tests.Batching.Latency;

/// <summary>
/// The latency controller against a model of the queue whose every cost is known (no clock, no threads): a batch of B
/// inputs takes Fixed + PerInput × B seconds on each of the slots, and inputs arrive at a steady rate. What the model's
/// queue would show (its p95, and what it serves) follows from the controller's choices by queueing arithmetic.
/// </summary>
public sealed class LatencyControllerTests
{
    private const int TargetMs = 250;
    private static readonly BatchingOptions Limits = new() { MaxBatchSize = 32, MaxWaitMs = 5, TargetP95Ms = TargetMs };

    [Fact]
    public void Under_steady_load_it_settles_with_the_p95_under_the_target()
    {
        var queue = new QueueModel(Fixed: 0.005, PerInput: 0.010, Slots: 2, ArrivalsPerSecond: 60);
        var controller = new LatencyController();

        var decisions = Steer(controller, queue, rounds: 40);

        Assert.All(decisions[^10..], d => Assert.Equal(decisions[^1], d)); // settled: the last ten decisions are the same
        Assert.True(queue.P95(controller) <= TargetMs / 1000.0, $"p95 {queue.P95(controller) * 1000:0} ms");
        Assert.InRange(controller.BatchSize, 1, Limits.MaxBatchSize);
    }

    [Fact]
    public void Under_overload_the_p95_of_what_it_accepts_stays_under_the_target_and_it_serves_near_capacity()
    {
        var queue = new QueueModel(Fixed: 0.005, PerInput: 0.010, Slots: 2, ArrivalsPerSecond: 600);
        var controller = new LatencyController();

        Steer(controller, queue, rounds: 40);

        Assert.True(queue.P95(controller) <= TargetMs / 1000.0, $"p95 {queue.P95(controller) * 1000:0} ms");
        var best = queue.Capacity(LatencyController.LargestBatch(LatencyController.MaxBatchShare * TargetMs / 1000.0, Limits.MaxBatchSize, queue.Line));
        Assert.True(queue.Served(controller) >= 0.8 * best, $"serves {queue.Served(controller):0}/s of a best {best:0}/s");
    }

    [Fact]
    public void When_a_batch_costs_more_it_backs_off_and_the_p95_comes_back_under_the_target()
    {
        var queue = new QueueModel(Fixed: 0.005, PerInput: 0.010, Slots: 2, ArrivalsPerSecond: 600);
        var controller = new LatencyController();
        Steer(controller, queue, rounds: 30);
        var before = controller.BatchSize;

        var dearer = queue with { Fixed = 0.015, PerInput = 0.030 }; // the machine got three times slower
        Steer(controller, dearer, rounds: 30);

        Assert.True(controller.BatchSize < before, $"batch {controller.BatchSize} after {before}");
        Assert.True(dearer.P95(controller) <= TargetMs / 1000.0, $"p95 {dearer.P95(controller) * 1000:0} ms");
    }

    [Fact]
    public void When_load_falls_after_an_overload_it_returns_to_its_largest_shares()
    {
        var overloaded = new QueueModel(Fixed: 0.005, PerInput: 0.010, Slots: 2, ArrivalsPerSecond: 600) { EstimateError = 1.4 };
        var controller = new LatencyController();
        Steer(controller, overloaded, rounds: 30);
        Assert.True(controller.AdmissionShare < 1, "the overload, with an optimistic estimate, made it admit less");

        Steer(controller, overloaded with { ArrivalsPerSecond = 20 }, rounds: 30);

        Assert.Equal((LatencyController.MaxBatchShare, 1.0), (controller.BatchShare, controller.AdmissionShare));
    }

    [Fact]
    public void Property_it_never_leaves_the_configured_limits()
    {
        Gen.Select(Gen.Double[0, 0.05], Gen.Double[0.0005, 0.05], Gen.Int[1, 4], Gen.Double[1, 2000], Gen.Int[1, 64], Gen.Int[0, 50], Gen.Int[10, 2000])
            .Sample((fixedCost, perInput, slots, rate, maxBatch, maxWait, target) =>
            {
                var limits = new BatchingOptions { MaxBatchSize = maxBatch, MaxWaitMs = maxWait, TargetP95Ms = target };
                var queue = new QueueModel(fixedCost, perInput, slots, rate);
                var controller = new LatencyController();
                for (var round = 0; round < 20; round++)
                {
                    controller.Decide(limits, queue.Line, queue.P95(controller), samples: 1000);
                    Assert.InRange(controller.BatchSize, 1, maxBatch);
                    Assert.InRange(controller.WaitMs, 0, maxWait);
                    Assert.InRange(controller.AdmissionShare, controller.MinAdmissionShare, 1);
                    Assert.InRange(controller.BatchShare, LatencyController.MinBatchShare, LatencyController.MaxBatchShare);
                }
            }, iter: 300);
    }

    [Fact]
    public void Too_few_samples_say_nothing_and_it_holds()
    {
        var controller = new LatencyController();
        var line = new CostLine(0.005, 0.001, 10);
        controller.Decide(Limits, line, p95Seconds: 0.1, samples: 100);
        var first = (controller.BatchShare, controller.AdmissionShare);

        controller.Decide(Limits, line, p95Seconds: 10, samples: LatencyController.MinSamples - 1); // one slow input

        Assert.Equal(first, (controller.BatchShare, controller.AdmissionShare));
    }

    [Fact]
    public void The_time_to_serve_counts_the_batches_the_queue_makes_run_a_slot_round_at_a_time()
    {
        var line = new CostLine(Fixed: 0.010, PerToken: 0.001, TokensPerInput: 10); // a batch of 4: 10 + 40 ms

        Assert.Equal(TimeSpan.Zero, LatencyController.TimeToServe(null, 7, 1, 4, 2)); // nothing learnt: one round of full batches
        Assert.Equal(TimeSpan.MaxValue, LatencyController.TimeToServe(null, 8, 1, 4, 2)); // and no more
        Assert.Equal(TimeSpan.FromMilliseconds(50), LatencyController.TimeToServe(line, 0, 1, 4, 2)); // one batch
        Assert.Equal(TimeSpan.FromMilliseconds(50), LatencyController.TimeToServe(line, 7, 1, 4, 2)); // two batches, side by side
        Assert.Equal(TimeSpan.FromMilliseconds(100), LatencyController.TimeToServe(line, 8, 1, 4, 2)); // a third: a second round
        Assert.Equal(TimeSpan.FromMilliseconds(100), LatencyController.TimeToServe(line, 0, 1, 4, 2, running: 2)); // after a whole batch
        Assert.Equal(TimeSpan.FromMilliseconds(50), LatencyController.TimeToServe(line, 0, 1, 4, 2, running: 1)); // a slot is free
        Assert.Equal(8, LatencyController.LargestBatch(0.090, 32, line)); // 10 + 80 ms fits 90 ms; 9 would not
        Assert.Equal(32, LatencyController.LargestBatch(0.001, 32, null)); // before anything is learnt: the limit
    }

    private static List<(int Batch, int Wait, double Admission)> Steer(LatencyController controller, QueueModel queue, int rounds)
    {
        var decisions = new List<(int, int, double)>();
        for (var round = 0; round < rounds; round++)
        {
            controller.Decide(Limits, queue.Line, queue.P95(controller), samples: 1000);
            decisions.Add((controller.BatchSize, controller.WaitMs, controller.AdmissionShare));
        }

        return decisions;
    }

    /// <summary>A model's queue in arithmetic: batches of B take Fixed + PerInput × B on each of <paramref name="Slots"/>
    /// slots. Below capacity an input waits as in a queue of that load (a p95 of about three mean waits, plus its batch
    /// and the wait for a batch to fill); above, admission holds the time to serve what waits to the admitted share of
    /// the target, which the queue then takes <see cref="EstimateError"/> times as long to serve as estimated (1: the
    /// estimate is right).</summary>
    private sealed record QueueModel(double Fixed, double PerInput, int Slots, double ArrivalsPerSecond)
    {
        public double EstimateError { get; init; } = 1;

        public CostLine Line => new(Fixed, PerInput, TokensPerInput: 1);

        public double Capacity(int batch) => Slots * batch / Line.Seconds(batch);

        public double Served(LatencyController c) => Math.Min(ArrivalsPerSecond, Capacity(c.BatchSize));

        public double P95(LatencyController c)
        {
            var batch = Line.Seconds(c.BatchSize);
            var load = ArrivalsPerSecond / Capacity(c.BatchSize);
            var admitted = c.AdmissionShare * TargetMs / 1000.0 * EstimateError;
            return load < 1
                ? Math.Min(batch + (c.WaitMs / 1000.0 * (1 - load)) + (3 * batch * load / (2 * (1 - load))), admitted)
                : admitted;
        }
    }
}
