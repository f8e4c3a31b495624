using GridGov.Contracts.Cases;

namespace GridGov.Grains.Cases;

/// <summary>
/// Open cases with a location, by category and cell, so the duplicate check looks only near the point, nearest cells
/// first.
/// </summary>
internal sealed class DuplicateIndex
{
    private readonly Dictionary<(string Category, int LatCell, int LonCell), CellCases> _cells = [];

    public void Clear() => _cells.Clear();

    public void Add(OpenCase c)
    {
        if (c is { Lat: { } lat, Lon: { } lon })
        {
            var (y, x) = Cells.Of(lat, lon);
            if (!_cells.TryGetValue((c.Category, y, x), out var cell))
            {
                _cells[(c.Category, y, x)] = cell = new CellCases();
            }

            cell.Add(c);
        }
    }

    /// <summary>Removes the case as it was added (its time and place never change).</summary>
    public void Remove(OpenCase c)
    {
        if (c is { Lat: { } lat, Lon: { } lon })
        {
            var (y, x) = Cells.Of(lat, lon);
            if (_cells.TryGetValue((c.Category, y, x), out var cell) && cell.Remove(c) && cell.Count == 0)
            {
                _cells.Remove((c.Category, y, x));
            }
        }
    }

    /// <summary>The earliest open case of the category reported since <paramref name="since"/> within <paramref name="metres"/> of the point.</summary>
    public OpenCase? Find(string category, double lat, double lon, DateTimeOffset since, double metres)
    {
        var (latCell, lonCell) = Cells.Of(lat, lon);
        var (latReach, lonReach) = Cells.Reach(lat, metres);
        OpenCase? first = null;
        // Nearest cells first: a match there bounds the search of the others to what was reported before it.
        for (var ring = 0; ring <= Math.Max(latReach, lonReach); ring++)
        {
            for (var y = latCell - Math.Min(ring, latReach); y <= latCell + Math.Min(ring, latReach); y++)
            {
                for (var x = lonCell - Math.Min(ring, lonReach); x <= lonCell + Math.Min(ring, lonReach); x++)
                {
                    if (Math.Max(Math.Abs(y - latCell), Math.Abs(x - lonCell)) == ring
                        && _cells.TryGetValue((category, y, x), out var cell)
                        && Cells.Nearest(y, x, lat, lon, metres)
                        && cell.Earliest(since, first, lat, lon, metres) is { } match)
                    {
                        first = match;
                    }
                }
            }
        }

        return first;
    }
}
