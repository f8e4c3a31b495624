namespace GridGov.Grains.Common;

/// <summary>
/// The processes or silos that keep a copy of what a grain holds (its observers), each kept for
/// <paramref name="lifetime"/> after it last renewed its watch. A grain tells them of a change and waits for their
/// answers before it answers the change; one that does not answer within <paramref name="timeout"/> is dead or cut off,
/// and is dropped: its copy ages out or is checked again on its next renewal.
/// </summary>
internal sealed class Watchers<TWatcher>(TimeSpan lifetime, TimeSpan timeout) where TWatcher : IGrainObserver
{
    private readonly Dictionary<TWatcher, DateTimeOffset> _seen = [];

    public void Watch(TWatcher watcher, DateTimeOffset now)
    {
        _seen[watcher] = now;
        foreach (var (old, _) in _seen.Where(w => now - w.Value > lifetime).ToArray())
        {
            _seen.Remove(old);
        }
    }

    public void Clear() => _seen.Clear();

    /// <summary>Tells every watcher, and waits for them; those that fail or do not answer in time are dropped.</summary>
    public async Task TellAsync(Func<TWatcher, Task> tell)
    {
        var watchers = _seen.Keys.ToArray();
        var answered = await Task.WhenAll(watchers.Select(async watcher =>
        {
            try
            {
                await tell(watcher).WaitAsync(timeout);
                return true;
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or InvalidOperationException)
            {
                return false;
            }
        }));

        for (var i = 0; i < watchers.Length; i++)
        {
            if (!answered[i])
            {
                _seen.Remove(watchers[i]);
            }
        }
    }
}
