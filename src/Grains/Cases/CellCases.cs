using GridGov.Contracts.Cases;

namespace GridGov.Grains.Cases;

/// <summary>
/// The open cases of one category in one cell, in report order (time, then id), so the earliest match is the first
/// one found: a search skips what was reported before the window by binary search and stops at its first match.
/// </summary>
internal sealed class CellCases
{
    private readonly List<OpenCase> _cases = [];

    public int Count => _cases.Count;

    public static int Compare(OpenCase a, OpenCase b)
    {
        var byTime = a.ReportedAt.CompareTo(b.ReportedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
    }

    /// <summary>Adds a case; new reports arrive last, so this is an append but for events that arrive out of order.</summary>
    public void Add(OpenCase c)
    {
        var at = _cases.Count;
        while (at > 0 && Compare(_cases[at - 1], c) > 0)
        {
            at--;
        }

        _cases.Insert(at, c);
    }

    public bool Remove(OpenCase c)
    {
        var at = _cases.BinarySearch(c, Comparer<OpenCase>.Create(Compare));
        if (at < 0)
        {
            return false;
        }

        _cases.RemoveAt(at);
        return true;
    }

    /// <summary>
    /// The earliest case reported at or after <paramref name="since"/>, and before <paramref name="before"/> when given,
    /// within <paramref name="metres"/> of the point.
    /// </summary>
    public OpenCase? Earliest(DateTimeOffset since, OpenCase? before, double lat, double lon, double metres)
    {
        var (low, high) = (0, _cases.Count);
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            (low, high) = _cases[middle].ReportedAt < since ? (middle + 1, high) : (low, middle);
        }

        for (var i = low; i < _cases.Count && (before is null || Compare(_cases[i], before) < 0); i++)
        {
            if (_cases[i] is { Lat: { } otherLat, Lon: { } otherLon } c && Distance.Within(lat, lon, otherLat, otherLon, metres))
            {
                return c;
            }
        }

        return null;
    }
}
