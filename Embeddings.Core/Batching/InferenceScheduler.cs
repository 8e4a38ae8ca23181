namespace Embeddings.Core.Batching;

/// <summary>
/// One budget of inference slots for every model in the process: <see cref="Slots"/> runner threads, each running one
/// batch at a time (on few cores, several single-threaded runs beat one multi-threaded run, and twelve models with a
/// runner each per core would fight over the cores). A model whose batch is due asks for a slot; a slot that frees goes
/// to the fairest claim.
/// <para>
/// The policy is start-time fair queuing on cost, with a slack: each model counts the padded tokens it has run (its
/// service). A free slot goes to one of the waiting models within <see cref="Slack"/> tokens of the least served: of
/// those, the one whose oldest input has waited longest (a full batch first between equals, then the longest waiting
/// claim). Models with similar service are thus served as one queue would serve them, oldest input first, so spreading
/// requests over many models does not widen the latency's tail; a model that runs further ahead than the slack waits
/// for the others, so a busy model cannot shut out a quiet one and no model starves. A model back from idle joins at
/// the virtual time (the service of the last claim granted, which never goes back) less twice the slack: a bounded
/// credit that puts a quiet model's occasional input ahead of a flooded model's backlog, and no more. A model never
/// holds more slots than its <see cref="Contracts.BatchingOptions.MaxConcurrentBatches"/> (its cap), and a model alone
/// gets every slot up to that cap. Padded tokens are the cost because they are what a batch costs the CPU; counting
/// batches instead would let a model of long inputs take most of the machine.
/// </para>
/// </summary>
internal sealed class InferenceScheduler : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Stack<BatchRunner> _idle = new();
    private readonly List<BatchRunner> _runners = [];
    private readonly List<Claim> _waiting = [];
    private readonly Dictionary<IScheduledQueue, Account> _accounts = [];
    private long _order;
    private long _virtualTime;
    private bool _disposed;

    /// <summary>The shipped slack, in padded tokens: about one large batch (the default <c>maxBatchTokens</c>).</summary>
    public const long DefaultSlack = 4096;

    public InferenceScheduler(int slots, long slack = DefaultSlack)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(slack);
        Slots = slots;
        Slack = slack;
        for (var i = 0; i < slots; i++)
        {
            var runner = new BatchRunner(this, $"embed slot {i + 1}");
            _runners.Add(runner);
            _idle.Push(runner);
        }
    }

    /// <summary>Batches that can run at once, over all models.</summary>
    public int Slots { get; }

    /// <summary>How far, in padded tokens, a model may be ahead of the least served and still be chosen for its older
    /// input; 0 is plain start-time fair queuing.</summary>
    public long Slack { get; }

    /// <summary>Slots running a batch now, over all models.</summary>
    public int Busy
    {
        get
        {
            lock (_lock)
            {
                return Slots - _idle.Count;
            }
        }
    }

    /// <summary>Slots <paramref name="queue"/> holds now (running or about to run its batch).</summary>
    public int Held(IScheduledQueue queue)
    {
        lock (_lock)
        {
            return _accounts.TryGetValue(queue, out var account) ? account.Held : 0;
        }
    }

    /// <summary>
    /// <paramref name="queue"/> has a batch due (<paramref name="full"/>: it cannot grow any more) whose oldest input
    /// was enqueued at <paramref name="oldest"/> (a <see cref="TimeProvider"/> timestamp). It gets a slot as soon as it is
    /// the fairest claim (see the class); the slot arrives through <see cref="IScheduledQueue.Granted"/>, on whatever
    /// thread freed it. Asking again while a claim waits only updates the claim.
    /// </summary>
    public void Request(IScheduledQueue queue, bool full, long oldest = 0)
    {
        List<(IScheduledQueue, BatchRunner)> grants;
        lock (_lock)
        {
            var account = AccountOf(queue);
            var claim = _waiting.Find(c => c.Queue == queue);
            if (claim is not null)
            {
                (claim.Full, claim.Oldest) = (full, oldest);
            }
            else
            {
                if (account.Held == 0)
                {
                    // Back from idle: join at the virtual time less a bounded credit, so idleness is not saved up.
                    account.Served = Math.Max(account.Served, _virtualTime - (2 * Slack));
                }

                _waiting.Add(new Claim(queue, full, oldest, _order++));
            }

            grants = Grant();
        }

        Hand(grants);
    }

    /// <summary><paramref name="queue"/> no longer needs a slot (what was due went away, or it stopped).</summary>
    public void Withdraw(IScheduledQueue queue)
    {
        lock (_lock)
        {
            _waiting.RemoveAll(c => c.Queue == queue);
        }
    }

    /// <summary>A slot <paramref name="queue"/> was granted but did not use (nothing was due any more).</summary>
    public void Return(IScheduledQueue queue, BatchRunner runner)
    {
        List<(IScheduledQueue, BatchRunner)> grants;
        lock (_lock)
        {
            AccountOf(queue).Held--;
            _idle.Push(runner);
            grants = Grant();
        }

        Hand(grants);
    }

    /// <summary>A runner finished a batch of <paramref name="queue"/> that cost <paramref name="paddedTokens"/>: the
    /// cost is counted and the slot goes to the next claim.</summary>
    internal void Finished(IScheduledQueue queue, BatchRunner runner, long paddedTokens)
    {
        List<(IScheduledQueue, BatchRunner)> grants;
        lock (_lock)
        {
            var account = AccountOf(queue);
            account.Held--;
            account.Served += Math.Max(1, paddedTokens);
            _idle.Push(runner);
            grants = _disposed ? [] : Grant();
        }

        Hand(grants);
    }

    /// <summary>Lets the runner threads end once idle; batches running finish first.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _waiting.Clear();
            foreach (var runner in _runners)
            {
                runner.Retire();
            }
        }
    }

    /// <summary>Pairs free slots with the fairest claims whose model is under its cap. Under the lock.</summary>
    private List<(IScheduledQueue, BatchRunner)> Grant()
    {
        var grants = new List<(IScheduledQueue, BatchRunner)>();
        while (_idle.Count > 0 && !_disposed)
        {
            var least = long.MaxValue;
            foreach (var claim in _waiting)
            {
                var account = _accounts[claim.Queue];
                if (account.Held < Math.Max(1, claim.Queue.Cap))
                {
                    least = Math.Min(least, account.Served);
                }
            }

            Claim? best = null;
            Account? bestAccount = null;
            foreach (var claim in _waiting)
            {
                var account = _accounts[claim.Queue];
                if (account.Held >= Math.Max(1, claim.Queue.Cap) || account.Served - least > Slack)
                {
                    continue;
                }

                if (best is null || Before(claim, account, best, bestAccount!))
                {
                    (best, bestAccount) = (claim, account);
                }
            }

            if (best is null)
            {
                break;
            }

            _waiting.Remove(best);
            _virtualTime = Math.Max(_virtualTime, bestAccount!.Served); // start-time fair queuing: the start tag in service
            bestAccount.Held++;
            grants.Add((best.Queue, _idle.Pop()));
        }

        return grants;
    }

    /// <summary>Between claims within the slack: with no slack, the least served; else the oldest input; then a full
    /// batch before one due by time; then the longest waiting claim.</summary>
    private bool Before(Claim claim, Account account, Claim best, Account bestAccount) =>
        Slack == 0 && account.Served != bestAccount.Served ? account.Served < bestAccount.Served
        : claim.Oldest != best.Oldest ? claim.Oldest < best.Oldest
        : claim.Full != best.Full ? claim.Full
        : claim.Order < best.Order;

    private Account AccountOf(IScheduledQueue queue)
    {
        if (!_accounts.TryGetValue(queue, out var account))
        {
            _accounts[queue] = account = new Account();
        }

        return account;
    }

    /// <summary>Tells each model its slot, outside the lock (a model's dispatcher may be called back at once).</summary>
    private static void Hand(List<(IScheduledQueue Queue, BatchRunner Runner)> grants)
    {
        foreach (var (queue, runner) in grants)
        {
            queue.Granted(runner);
        }
    }

    private sealed class Claim(IScheduledQueue queue, bool full, long oldest, long order)
    {
        public IScheduledQueue Queue { get; } = queue;

        public bool Full { get; set; } = full;

        public long Oldest { get; set; } = oldest;

        public long Order { get; } = order;
    }

    private sealed class Account
    {
        public int Held { get; set; }

        public long Served { get; set; }
    }
}

/// <summary>What the scheduler needs of a model's queue.</summary>
internal interface IScheduledQueue
{
    /// <summary>The most slots the model may hold at once (its <see cref="Contracts.BatchingOptions.MaxConcurrentBatches"/>), read live.</summary>
    int Cap { get; }

    /// <summary>A slot for the model's due batch; the queue runs a batch on <paramref name="runner"/> or returns it.</summary>
    void Granted(BatchRunner runner);
}
