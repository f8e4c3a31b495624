using GridGov.Contracts;
using GridGov.Contracts.Cases;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace GridGov.Grains.Cases;

/// <summary>
/// A grid's view of its cases, fed by the case events on the grid's stream. Applies an event only when it is newer
/// than what it has (events carry the whole case, so any newer one repairs a missed one), and writes the read model in
/// batches on a timer, not per event. It keeps no state of its own: on activation it starts from the grid's cases in
/// the read model. It is also the first source of the grid's indicators: it knows what each case last counted for, so
/// a newer snapshot becomes an exact delta, handed up in the same timer as the read-model write.
/// </summary>
[ImplicitStreamSubscription(StreamNamespaces.CaseEvents)]
internal sealed partial class GridCasesGrain(ICaseReadModel readModel, ILogger<GridCasesGrain> logger) : Grain, IGridCasesGrain
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    private readonly Dictionary<string, OpenCase> _open = new(StringComparer.Ordinal);
    private readonly DuplicateIndex _nearby = new();
    private readonly Dictionary<string, Counted> _counted = new(StringComparer.Ordinal);
    private readonly Tally _tally = new();
    private readonly TallyOutbox _outbox = new();
    private readonly Dictionary<string, CaseSnapshot> _unprojected = new(StringComparer.Ordinal);
    private readonly List<CaseEvent> _unlogged = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);

        var stream = this.GetStreamProvider(ProviderNames.Streams)
            .GetStream<CaseEvent>(StreamId.Create(StreamNamespaces.CaseEvents, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync((e, _) => ApplyAsync(e));
        this.RegisterGrainTimer(FlushAsync, FlushInterval, FlushInterval);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => FlushAsync(cancellationToken);

    Task<GridCasesView> IGridCasesGrain.GetAsync()
    {
        var open = _open.Values.OrderBy(c => c.ReportedAt).ThenBy(c => c.Id, StringComparer.Ordinal).ToArray();
        var byState = open.GroupBy(c => c.State).ToDictionary(g => g.Key, g => g.Count());
        return Task.FromResult(new GridCasesView(this.GetPrimaryKeyString(), open, byState, open.Count(c => c.Overdue)));
    }

    Task<string?> IGridCasesGrain.FindDuplicateAsync(string category, double lat, double lon, DateTimeOffset since, double metres) =>
        Task.FromResult(_nearby.Find(category, lat, lon, since, metres)?.Id);

    Task<TallyBatch> IGridCasesGrain.SnapshotAsync() => Task.FromResult(_outbox.Snapshot(IndicatorsGrain.CasesSource, _tally));

    Task<TallyPosition> IGridCasesGrain.PositionAsync() => Task.FromResult(_outbox.Position);

    async Task IGridCasesGrain.ReloadAsync()
    {
        await FlushAsync(CancellationToken.None);
        if (_unprojected.Count > 0)
        {
            throw new InvalidOperationException($"Grid {this.GetPrimaryKeyString()} could not write its pending cases; try again.");
        }

        await LoadAsync(CancellationToken.None);
    }

    /// <summary>
    /// Starts from the read model under a new epoch. The state is replaced without an await in between, so a snapshot
    /// taken meanwhile (it interleaves) sees the old state or the new one, never half of each.
    /// </summary>
    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var cases = await readModel.CasesOfNodeAsync(this.GetPrimaryKeyString(), cancellationToken);
        _open.Clear();
        _nearby.Clear();
        _counted.Clear();
        _tally.Clear();
        foreach (var c in cases)
        {
            Count(c);
            if (CaseStates.IsOpen(c.State))
            {
                Open(c);
            }
        }

        // What was loaded is the tally's starting point, not a change: the node above takes a whole copy.
        _outbox.Restart();
    }

    /// <summary>Counts the case's latest snapshot in the tally instead of whatever its previous one counted for.</summary>
    private void Count(CaseSnapshot c)
    {
        var keys = Metrics.KeysOf(c);
        if (_counted.TryGetValue(c.Id, out var before))
        {
            _tally.Add(before.Keys, -1);
            _outbox.Add(before.Keys, -1);
        }

        _counted[c.Id] = new Counted(c.Version, keys);
        _tally.Add(keys, 1);
        _outbox.Add(keys, 1);
    }

    private Task ApplyAsync(CaseEvent e)
    {
        if (_counted.TryGetValue(e.CaseId, out var known) && known.Version >= e.Version)
        {
            return Task.CompletedTask;
        }

        var c = e.Case;
        Count(c);
        Forget(c.Id);
        if (CaseStates.IsOpen(c.State))
        {
            Open(c);
        }

        _unprojected[c.Id] = c;
        _unlogged.Add(e);
        return Task.CompletedTask;
    }

    private void Open(CaseSnapshot c)
    {
        var open = new OpenCase(c.Id, c.State, c.Category, c.Lat, c.Lon, c.ReportedAt, c.Assignee, c.Deadline, c.Overdue, c.Version);
        _open[c.Id] = open;
        _nearby.Add(open);
    }

    private void Forget(string id)
    {
        if (_open.Remove(id, out var old))
        {
            _nearby.Remove(old);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_outbox.Next(IndicatorsGrain.CasesSource) is { } batch)
        {
            await GrainFactory.GetGrain<IIndicatorsGrain>(this.GetPrimaryKeyString()).ApplyAsync(batch);
        }

        if (_unprojected.Count == 0)
        {
            return;
        }

        var cases = _unprojected.Values.ToArray();
        var events = _unlogged.ToArray();
        try
        {
            await readModel.ProjectAsync(cases, events, cancellationToken);
            _unlogged.RemoveRange(0, events.Length);
            foreach (var c in cases)
            {
                if (_unprojected.TryGetValue(c.Id, out var now) && now.Version == c.Version)
                {
                    _unprojected.Remove(c.Id);
                }
            }
        }
        catch (Exception e)
        {
            LogProjectionFailed(logger, e, this.GetPrimaryKeyString(), cases.Length);
        }
    }

    /// <summary>What a case counted for in the tally, by the version it was counted at.</summary>
    private readonly record struct Counted(long Version, TallyKey[] Keys);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grid {Grid} could not project {Count} case(s); it retries on its next flush")]
    private static partial void LogProjectionFailed(ILogger logger, Exception exception, string grid, int count);
}

/// <summary>A grid of cells of 0.0005° (about 55 m north–south) for finding what lies near a point.</summary>
internal static class Cells
{
    private const double Degrees = 0.0005;
    private const double MetresPerDegreeOfLatitude = 111_195;

    public static (int LatCell, int LonCell) Of(double lat, double lon) =>
        ((int)Math.Floor(lat / Degrees), (int)Math.Floor(lon / Degrees));

    /// <summary>How many cells either way can hold a point within <paramref name="metres"/> of latitude <paramref name="lat"/>.</summary>
    public static (int Lat, int Lon) Reach(double lat, double metres)
    {
        var cellHeight = Degrees * MetresPerDegreeOfLatitude;
        var cellWidth = cellHeight * Math.Max(Math.Cos(lat * Math.PI / 180), 0.01);
        // One more cell east and west: the other point's parallel may be a little shorter than this one's.
        return ((int)Math.Ceiling(metres / cellHeight), (int)Math.Ceiling(metres / cellWidth) + 1);
    }

    /// <summary>Whether cell (<paramref name="latCell"/>, <paramref name="lonCell"/>) comes within about <paramref name="metres"/> of the point.</summary>
    public static bool Nearest(int latCell, int lonCell, double lat, double lon, double metres)
    {
        // The cell's point nearest to this one; the metre of slack covers the flat clamp on a sphere at this scale.
        var nearestLat = Math.Clamp(lat, latCell * Degrees, (latCell + 1) * Degrees);
        var nearestLon = Math.Clamp(lon, lonCell * Degrees, (lonCell + 1) * Degrees);
        return Distance.Metres(lat, lon, nearestLat, nearestLon) <= metres + 1;
    }
}

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

/// <summary>Great-circle distance (haversine), in metres.</summary>
public static class Distance
{
    private const double EarthRadiusMetres = 6_371_008.8;
    private const double MetresPerDegree = EarthRadiusMetres * Math.PI / 180;

    /// <summary>Whether two points are within <paramref name="metres"/>; most far points are ruled out by latitude alone, without trigonometry.</summary>
    public static bool Within(double lat1, double lon1, double lat2, double lon2, double metres) =>
        Math.Abs(lat2 - lat1) * MetresPerDegree <= metres && Metres(lat1, lon1, lat2, lon2) <= metres;

    public static double Metres(double lat1, double lon1, double lat2, double lon2)
    {
        static double Rad(double degrees) => degrees * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2))
            + (Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusMetres * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
