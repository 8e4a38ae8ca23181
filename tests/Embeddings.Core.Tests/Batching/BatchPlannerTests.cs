using CsCheck;
using Embeddings.Contracts;
using Embeddings.Core.Batching;

namespace Embeddings.Core.Tests.Batching;

/// <summary>The planner as a pure function: no threads, no clock.</summary>
public class BatchPlannerTests
{
    private static readonly BatchingOptions Defaults = new() { MaxBatchSize = 32, MaxBatchTokens = 4096, MinPaddingEfficiency = 0.9 };

    [Fact]
    public void Nothing_waiting_plans_nothing()
    {
        var plan = BatchPlanner.Plan([], Defaults);

        Assert.Empty(plan.Positions);
        Assert.False(plan.Full);
    }

    [Fact]
    public void The_oldest_goes_with_the_inputs_closest_in_length_and_the_batch_goes_shortest_first()
    {
        // The anchor has 20 tokens; 19 and 21 are closest, then 18 and 24; 100 and 3 are far.
        int[] tokens = [20, 100, 21, 3, 19, 24, 18];

        var plan = BatchPlanner.Plan(tokens, Defaults with { MaxBatchSize = 4 });

        Assert.Equal([6, 4, 0, 2], plan.Positions); // 18, 19, 20, 21
        Assert.True(plan.Full);
    }

    [Fact]
    public void Equal_distances_take_the_older_input_first()
    {
        int[] tokens = [10, 12, 8, 12, 8];

        var plan = BatchPlanner.Plan(tokens, Defaults with { MaxBatchSize = 3, MinPaddingEfficiency = 0 });

        Assert.Equal([2, 0, 1], plan.Positions); // 8 (position 2 before 4), 10, 12 (position 1 before 3)
    }

    [Fact]
    public void It_stops_before_efficiency_would_fall_below_the_floor()
    {
        // 10 + 10 + 10 over 3 x 10 is 1.0; adding 14 gives 44 / 56 = 0.79, below 0.9.
        int[] tokens = [10, 14, 10, 10, 40];

        var plan = BatchPlanner.Plan(tokens, Defaults);

        Assert.Equal([0, 2, 3], plan.Positions);
        Assert.False(plan.Full); // a closer input arriving later could still join
    }

    [Fact]
    public void It_stops_at_the_token_budget_and_an_over_budget_anchor_goes_alone()
    {
        int[] tenTokens = [10, 10, 10, 10, 10];
        var budget = BatchPlanner.Plan(tenTokens, Defaults with { MaxBatchTokens = 40 });
        Assert.Equal([0, 1, 2, 3], budget.Positions);
        Assert.True(budget.Full);

        var alone = BatchPlanner.Plan([60, 4, 4], Defaults with { MaxBatchTokens = 40 });
        Assert.Equal([0], alone.Positions);
        Assert.True(alone.Full);
    }

    [Fact]
    public void Without_sorting_it_takes_arrival_order_and_ignores_the_efficiency_floor()
    {
        int[] tokens = [20, 100, 21, 3, 19];

        var plan = BatchPlanner.Plan(tokens, Defaults with { SortByLength = false, MaxBatchSize = 4 });

        Assert.Equal([0, 1, 2, 3], plan.Positions);
        Assert.True(plan.Full);
    }

    [Fact]
    public void It_stops_before_the_batch_s_working_memory_would_pass_the_budget_whatever_the_options_allow()
    {
        // 1 MiB a token and 1 KiB a token pair: three inputs of 100 tokens cost 3 x (100 + 9.8) MiB, over a 300 MiB budget.
        var memory = new BatchMemory(BytesPerToken: 1 << 20, BytesPerTokenPair: 1 << 10, BudgetBytes: 300L << 20);
        var open = Defaults with { MaxBatchSize = 4096, MaxBatchTokens = 16_777_216 }; // the greatest each allows

        var plan = BatchPlanner.Plan([100, 100, 100, 100], open, memory);
        Assert.Equal([0, 1], plan.Positions);
        Assert.True(plan.Full);
        Assert.Equal(2, BatchPlanner.LargestBatch(100, open, memory));
        Assert.Equal(4096, BatchPlanner.LargestBatch(100, open, BatchMemory.Unlimited));
        Assert.Equal(16, BatchPlanner.LargestBatch(256, Defaults, BatchMemory.Unlimited)); // 4096 tokens / 256

        var alone = BatchPlanner.Plan([1000, 10], open, memory); // over the budget alone: it still runs, alone
        Assert.Equal([0], alone.Positions);
        Assert.True(alone.Full);
    }

    [Fact]
    public void The_memory_estimate_of_MiniLM_is_at_or_above_what_was_measured()
    {
        var memory = BatchMemory.For(new Embeddings.Core.Models.ModelShape(Hidden: 384, Intermediate: 1536, Heads: 12, Layers: 6), 512);

        // Measured peaks (ONNX Runtime 1.31, CPU): 32 x 128 tokens 103 MiB, 32 x 256 261 MiB, 128 x 256 1142 MiB.
        Assert.InRange(memory.Bytes(32, 128) / (1024.0 * 1024), 103, 103 * 1.4);
        Assert.InRange(memory.Bytes(32, 256) / (1024.0 * 1024), 261, 261 * 1.4);
        Assert.InRange(memory.Bytes(128, 256) / (1024.0 * 1024), 1142, 1142 * 1.4);
        Assert.Equal(512L << 20, memory.BudgetBytes);
        Assert.InRange(memory.MaxCount(256), 40, 56);
    }

    private static readonly Gen<(int[] Tokens, BatchingOptions Options)> Cases =
        Gen.Select(
            Gen.Int[1, 512].Array[1, 300],
            Gen.Int[1, 64],
            Gen.Int[1, 20_000],
            Gen.Double[0, 1],
            Gen.Bool,
            (tokens, size, budget, floor, sort) => (tokens, new BatchingOptions
            {
                MaxBatchSize = size,
                MaxBatchTokens = budget,
                MinPaddingEfficiency = floor,
                SortByLength = sort,
            }));

    [Fact]
    public void Property_the_anchor_is_always_in_the_batch_and_nothing_is_taken_twice()
    {
        Cases.Sample(c =>
        {
            var plan = BatchPlanner.Plan(c.Tokens, c.Options);
            Assert.Contains(0, plan.Positions);
            Assert.Equal(plan.Positions.Length, plan.Positions.Distinct().Count());
            Assert.All(plan.Positions, p => Assert.InRange(p, 0, c.Tokens.Length - 1));
        }, iter: 2000);
    }

    [Fact]
    public void Property_every_limit_holds_and_efficiency_meets_the_floor_unless_the_anchor_is_alone()
    {
        Cases.Sample(c =>
        {
            var plan = BatchPlanner.Plan(c.Tokens, c.Options);
            var lengths = plan.Positions.Select(p => c.Tokens[p]).ToArray();
            var padded = (long)lengths.Max() * lengths.Length;
            Assert.InRange(lengths.Length, 1, c.Options.MaxBatchSize);
            if (lengths.Length > 1)
            {
                Assert.True(padded <= c.Options.MaxBatchTokens, $"padded {padded} over budget {c.Options.MaxBatchTokens}");
                if (c.Options.SortByLength)
                {
                    Assert.True(lengths.Sum() >= c.Options.MinPaddingEfficiency * padded - 1e-9, "efficiency below the floor");
                }
            }
        }, iter: 2000);
    }

    [Fact]
    public void Property_a_batch_of_more_than_one_input_stays_within_the_memory_budget()
    {
        Gen.Select(Cases, Gen.Long[1, 1L << 32], (c, budget) => (c.Tokens, c.Options, Memory: new BatchMemory(23_040, 72, budget))).Sample(c =>
        {
            var plan = BatchPlanner.Plan(c.Tokens, c.Options, c.Memory);
            var longest = plan.Positions.Max(p => c.Tokens[p]);
            Assert.True(plan.Positions.Length == 1 || c.Memory.Fits(plan.Positions.Length, longest), "a batch over the memory budget");
            Assert.True(plan.Full || c.Memory.Fits(plan.Positions.Length + 1, longest), "a batch at the memory budget is full");
        }, iter: 2000);
    }

    [Fact]
    public void Property_sorted_batches_are_the_closest_inputs_shortest_first_and_unsorted_ones_a_prefix()
    {
        Cases.Sample(c =>
        {
            var plan = BatchPlanner.Plan(c.Tokens, c.Options);
            if (!c.Options.SortByLength)
            {
                Assert.Equal(Enumerable.Range(0, plan.Positions.Length), plan.Positions);
                return;
            }

            var lengths = plan.Positions.Select(p => c.Tokens[p]).ToArray();
            Assert.Equal(lengths.Order(), lengths);
            var anchor = c.Tokens[0];
            var farthestTaken = plan.Positions.Max(p => Math.Abs(c.Tokens[p] - anchor));
            var left = Enumerable.Range(1, c.Tokens.Length - 1).Except(plan.Positions);
            Assert.All(left, p => Assert.True(Math.Abs(c.Tokens[p] - anchor) >= farthestTaken, "a closer input was left out"));
        }, iter: 2000);
    }

    [Fact]
    public void Property_a_plan_that_is_not_full_has_room_for_one_more_input_and_took_every_input_it_could()
    {
        Cases.Sample(c =>
        {
            var plan = BatchPlanner.Plan(c.Tokens, c.Options);
            var longest = plan.Positions.Max(p => c.Tokens[p]);
            var size = plan.Positions.Length;
            if (!plan.Full)
            {
                Assert.True(size < c.Options.MaxBatchSize, "a batch at the size limit is full");
                Assert.True((long)longest * (size + 1) <= c.Options.MaxBatchTokens, "a batch at the token budget is full");
                if (!c.Options.SortByLength)
                {
                    Assert.Equal(c.Tokens.Length, size); // in arrival order only a limit stops it
                }
            }
        }, iter: 2000);
    }
}
