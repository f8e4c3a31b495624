namespace GridGov.Contracts.Cases;

/// <summary>Counts by <see cref="TallyKey"/>: added and subtracted by whole cases, never by single events.</summary>
public sealed class Tally
{
    private readonly Dictionary<TallyKey, long> _counts;

    public Tally() => _counts = [];

    public Tally(IReadOnlyDictionary<TallyKey, long> counts) => _counts = new(counts);

    public IReadOnlyDictionary<TallyKey, long> Counts => _counts;

    public bool IsEmpty => _counts.Count == 0;

    public void Add(TallyKey key, long amount)
    {
        if (amount == 0)
        {
            return;
        }

        var value = _counts.GetValueOrDefault(key) + amount;
        if (value == 0)
        {
            _counts.Remove(key);
        }
        else
        {
            _counts[key] = value;
        }
    }

    public void Add(IEnumerable<TallyKey> keys, long sign)
    {
        foreach (var key in keys)
        {
            Add(key, sign);
        }
    }

    public void Add(IReadOnlyDictionary<TallyKey, long> counts, long sign = 1)
    {
        foreach (var (key, value) in counts)
        {
            Add(key, value * sign);
        }
    }

    public Dictionary<TallyKey, long> Copy() => new(_counts);

    public void Clear() => _counts.Clear();

    /// <summary>The keys whose counts differ from another tally's, with both values.</summary>
    public IReadOnlyList<(TallyKey Key, long Mine, long Theirs)> Differences(IReadOnlyDictionary<TallyKey, long> other) =>
        _counts.Keys.Union(other.Keys)
            .Select(k => (k, _counts.GetValueOrDefault(k), other.GetValueOrDefault(k)))
            .Where(d => d.Item2 != d.Item3)
            .OrderBy(d => d.k.Metric, StringComparer.Ordinal).ThenBy(d => d.k.Day).ThenBy(d => d.k.Dim, StringComparer.Ordinal)
            .ToArray();
}
