namespace Embeddings.Testing;

/// <summary>Waits for something a test cannot be signalled about (another process, another replica, Redis) by asking
/// again every few milliseconds, and fails with what it was waiting for once the time limit passes.</summary>
public static class Eventually
{
    public static async Task<TimeSpan> TrueAsync(Func<Task<bool>> condition, TimeSpan limit, string waitingFor)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!await condition())
        {
            if (System.Diagnostics.Stopwatch.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0.#} s for {waitingFor}.");
            }

            await timer.WaitForNextTickAsync();
        }

        return System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }
}
