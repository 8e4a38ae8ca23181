using Embeddings.Api.Cache;
using Embeddings.Core.Models;

namespace Embeddings.Api.Embedding;

/// <summary>
/// Identical inputs being computed in this replica for several requests at once: the first request that needs one
/// computes it, the others wait for its answer. A computation stops only once every request waiting for it has left;
/// when it fails, every waiter gets that failure, and nobody computes it again.
/// </summary>
public sealed class SharedComputations
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Computation> _running = new(StringComparer.Ordinal);

    /// <summary>Joins the computation of <paramref name="key"/>, or starts it: <paramref name="owned"/> says the caller
    /// started it and must run it (<see cref="Computation.Complete"/>).</summary>
    public Computation Join(string key, out bool owned)
    {
        lock (_lock)
        {
            if (_running.TryGetValue(key, out var running) && !running.Abandoned.IsCancellationRequested)
            {
                running.Waiters++;
                owned = false;
                return running;
            }

            var started = new Computation(this, key);
            _running[key] = started;
            owned = true;
            return started;
        }
    }

    /// <summary>One input's computation, with its answer to come and the requests waiting for it.</summary>
    public sealed class Computation
    {
        private readonly SharedComputations _owner;
        private readonly string _key;
        private readonly TaskCompletionSource<CachedEmbedding> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _abandoned = new();

        internal Computation(SharedComputations owner, string key)
        {
            _owner = owner;
            _key = key;
        }

        public Task<CachedEmbedding> Answer => _answer.Task;

        /// <summary>Cancelled once every waiter has left: what the computation's input watches in the queue.</summary>
        public CancellationToken Abandoned => _abandoned.Token;

        internal int Waiters { get; set; } = 1;

        /// <summary>A waiting request has left; the last one to leave stops the computation.</summary>
        public void Leave()
        {
            lock (_owner._lock)
            {
                if (_answer.Task.IsCompleted || --Waiters > 0)
                {
                    return;
                }

                Forget();
            }

            _abandoned.Cancel(); // outside the lock: the queue answers its input's caller at once
        }

        /// <summary>Sets the answer every waiter gets: the model's vector, its failure, or its cancellation.</summary>
        public void Complete(Task<ModelEmbedding> computed)
        {
            lock (_owner._lock)
            {
                Forget();
            }

            if (computed.IsCompletedSuccessfully)
            {
                _answer.TrySetResult(new CachedEmbedding(computed.Result.Vector, computed.Result.TokenCount));
            }
            else if (computed.Exception?.InnerException is { } error)
            {
                _answer.TrySetException(error);
            }
            else
            {
                _answer.TrySetCanceled();
            }
        }

        /// <summary>The computation never started (the engine refused it): every waiter gets why.</summary>
        public void Fail(Exception refusal)
        {
            lock (_owner._lock)
            {
                Forget();
            }

            _answer.TrySetException(refusal);
        }

        private void Forget()
        {
            if (_owner._running.TryGetValue(_key, out var current) && ReferenceEquals(current, this))
            {
                _owner._running.Remove(_key);
            }
        }
    }
}
