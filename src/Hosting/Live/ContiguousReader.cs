namespace GridGov.Hosting.Live;

/// <summary>
/// Turns reads of the case-event log into a sequence without gaps. A position missing below a present one may belong
/// to a transaction still in flight (PostgreSQL can commit a lower position after a higher one) or to one rolled back
/// (a hole for ever). The reader hands out only the contiguous prefix after its watermark, waiting while a missing
/// position is younger than the grace period, and skipping it once it is older.
/// </summary>
/// <remarks>
/// A position's age is counted from the first read that saw a higher position present. Since what a read sees grows
/// upwards, it is enough to remember, per read, the highest position it saw and when: a missing position p was first
/// seen missing at the time of the first read whose highest position exceeded p.
/// </remarks>
public sealed class ContiguousReader(TimeProvider time, TimeSpan grace)
{
    private readonly List<(long Highest, DateTimeOffset At)> _sightings = [];

    /// <summary>Positions skipped as holes since this reader was created (for logs and tests).</summary>
    public long Skipped { get; private set; }

    /// <summary>Forgets what was seen (after the caller moved its watermark elsewhere).</summary>
    public void Reset() => _sightings.Clear();

    /// <summary>
    /// Of <paramref name="read"/> (positions after <paramref name="after"/>, ascending), the entries that follow
    /// <paramref name="after"/> without an unsettled gap, and the new watermark (the last position handed out or skipped).
    /// </summary>
    public (IReadOnlyList<LiveEntry> Entries, long Through) Take(long after, IReadOnlyList<LiveEntry> read)
    {
        var now = time.GetUtcNow();
        if (read.Count > 0 && (_sightings.Count == 0 || read[^1].Position > _sightings[^1].Highest))
        {
            _sightings.Add((read[^1].Position, now));
        }

        var taken = new List<LiveEntry>(read.Count);
        var through = after;
        foreach (var entry in read)
        {
            if (entry.Position <= through)
            {
                continue;
            }

            var lastMissing = entry.Position - 1;
            if (lastMissing > through && now - FirstSeenMissing(lastMissing) < grace)
            {
                break;
            }

            Skipped += lastMissing - through;
            taken.Add(entry);
            through = entry.Position;
        }

        _sightings.RemoveAll(s => s.Highest <= through);
        return (taken, through);
    }

    /// <summary>When <paramref name="position"/> was first seen missing: the first read that saw a higher position.</summary>
    private DateTimeOffset FirstSeenMissing(long position)
    {
        foreach (var (highest, at) in _sightings)
        {
            if (highest > position)
            {
                return at;
            }
        }

        return time.GetUtcNow();
    }
}
