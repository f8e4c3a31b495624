namespace GridGov.Tests.Infrastructure;

/// <summary>Waits for a condition with a bound, never a fixed sleep; the failure names what was awaited.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Probes until the value satisfies the condition, and answers it; the failure shows the last value (through
    /// <paramref name="describe"/> when given). A probe that throws ends the wait with its exception.
    /// </summary>
    public static async Task<T> MatchesAsync<T>(
        Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan? timeout = null, Func<T, string>? describe = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var value = await probe();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting for {what}; last value: {(describe is null ? value : describe(value))}.");
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
    }

    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        MatchesAsync(condition, ok => ok, what, timeout);
}
