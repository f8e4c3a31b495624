using System.Security.Cryptography;
using System.Text;
using GridGov.Contracts;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Patrols;
using GridGov.Contracts.Territory;
using GridGov.Grains.Cases;
using GridGov.Grains.Territory;

namespace GridGov.Grains.Patrols;

[GenerateSerializer, Alias("gridgov.patrol-state")]
internal sealed class PatrolState
{
    [Id(0)] public PatrolSnapshot? Patrol { get; set; }

    /// <summary>Each batch's fingerprint, in order: a retried batch is known by it.</summary>
    [Id(1)] public List<string> Batches { get; set; } = [];

    /// <summary>The last point taken, where the next batch's distance continues from.</summary>
    [Id(2)] public TrackPoint? Last { get; set; }
}

/// <summary>
/// A patrol. Its state holds the figures (distance, time, micro-grids reached, visits), a fingerprint per batch and the
/// last point, never the track: each batch goes to the read model as one chunk, with the patrol's row, before the state
/// is written, so a batch whose state write failed is retried whole and the chunk is kept once.
/// </summary>
internal sealed partial class PatrolGrain(
    [PersistentState("patrol", ProviderNames.MainStorage)] IPersistentState<PatrolState> state,
    IPatrolReadModel readModel,
    DistrictIndexes indexes,
    TimeProvider time) : Grain, IPatrolGrain
{
    public static readonly TimeSpan MaxLength = TimeSpan.FromHours(24);

    /// <summary>How long ago a patrol recorded offline (and uploaded later) may have started.</summary>
    public static readonly TimeSpan MaxOffline = TimeSpan.FromDays(10);

    /// <summary>How far a device's clock may run ahead of the cluster's.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    private string Id => this.GetPrimaryKeyString();

    private string District => DistrictCode.Of(Id);

    Task<PatrolSnapshot?> IPatrolGrain.GetAsync() => Task.FromResult(state.State.Patrol);

    async Task<PatrolSnapshot> IPatrolGrain.StartAsync(string gridCode, string worker, DateTimeOffset? startedAt)
    {
        if (!PatrolIds.IsValid(Id))
        {
            throw DomainException.Invalid("id", $"'{Id}' is not a patrol id of the form {{district}}-PT{{id}}.");
        }

        if (state.State.Patrol is not null)
        {
            throw DomainException.Conflict($"Patrol {Id} has already started.");
        }

        if (!TerritoryCode.IsValid(gridCode) || TerritoryCode.LevelOf(gridCode) != TerritoryLevel.Grid || DistrictCode.Of(gridCode) != District)
        {
            throw DomainException.Invalid("gridCode", $"gridCode is a grid (15 digits) of district {District}.");
        }

        var grid = GrainFactory.GetGrain<ITerritoryGrain>(gridCode);
        var node = await grid.GetAsync() ?? throw DomainException.Invalid("gridCode", $"Grid {gridCode} does not exist.");
        if (node.Retired)
        {
            throw DomainException.Invalid("gridCode", $"Grid {gridCode} is retired{(node.Successor is { } s ? $"; its successor is {s}" : "")}.");
        }

        var now = time.GetUtcNow();
        if (startedAt is { } at && (at > now + ClockSkew || at < now - MaxOffline))
        {
            throw DomainException.Invalid("startedAt", $"A patrol recorded offline started at most {MaxOffline.TotalDays:0} days ago, and not later than now.");
        }

        var microGrids = (await grid.GetChildrenAsync() ?? []).Count(c => c.Level == TerritoryLevel.MicroGrid);
        var patrol = new PatrolSnapshot(Id, worker, gridCode, startedAt ?? now, null, 0, 0, 0, null, microGrids, [], []);
        await readModel.SaveAsync(Row(patrol), null, null, [], CancellationToken.None);
        state.State.Patrol = patrol;
        await state.WriteStateAsync();
        return patrol;
    }

    async Task<PatrolBatchResult> IPatrolGrain.AddPointsAsync(int batch, IReadOnlyList<TrackPoint> points, string worker)
    {
        var patrol = Require(worker);
        if (points.Count is 0 or > PatrolLimits.BatchPoints)
        {
            throw DomainException.Invalid("points", $"A batch has 1 to {PatrolLimits.BatchPoints} points.");
        }

        var fingerprint = Fingerprint(points);
        if (batch >= 1 && batch <= state.State.Batches.Count)
        {
            return state.State.Batches[batch - 1] == fingerprint
                ? new PatrolBatchResult(true, 0, patrol)
                : throw DomainException.Conflict($"Batch {batch} of patrol {Id} was taken with other points; the next batch is {state.State.Batches.Count + 1}.", "batch");
        }

        if (batch != state.State.Batches.Count + 1)
        {
            throw DomainException.Conflict($"The next batch of patrol {Id} is {state.State.Batches.Count + 1}, not {batch}.", "batch");
        }

        if (patrol.Points + points.Count > PatrolLimits.PatrolPoints)
        {
            throw DomainException.Conflict($"Patrol {Id} would pass {PatrolLimits.PatrolPoints} points, the most a patrol keeps.", "points");
        }

        CheckTimes(patrol, points);
        var (distance, reached) = await MeasureAsync(patrol, points);
        var newlyReached = reached.Where(m => !patrol.MicroGridsVisited.Contains(m)).Order(StringComparer.Ordinal).ToArray();
        var next = patrol with
        {
            Batches = batch,
            Points = patrol.Points + points.Count,
            DistanceMetres = patrol.DistanceMetres + distance,
            LastPointAt = points[^1].At,
            MicroGridsVisited = [.. patrol.MicroGridsVisited, .. newlyReached],
        };

        await readModel.SaveAsync(Row(next), batch, points, newlyReached, CancellationToken.None);
        state.State.Patrol = next;
        state.State.Batches.Add(fingerprint);
        state.State.Last = points[^1];
        await state.WriteStateAsync();
        return new PatrolBatchResult(false, points.Count, next);
    }

    async Task<PatrolSnapshot> IPatrolGrain.EndAsync(string worker, DateTimeOffset? endedAt)
    {
        var patrol = Require(worker);
        if (!patrol.Open)
        {
            return patrol;
        }

        // The end is not before the last point taken (a device's clock may run a little ahead), nor past the longest patrol.
        var earliest = patrol.LastPointAt ?? patrol.StartedAt;
        var latest = Min(time.GetUtcNow() + ClockSkew, patrol.StartedAt + MaxLength);
        if (endedAt is { } at && (at < earliest || at > latest))
        {
            throw DomainException.Invalid("endedAt", $"endedAt is from the patrol's last point ({earliest:O}) to {latest:O}.");
        }

        var end = endedAt ?? Min(time.GetUtcNow(), patrol.StartedAt + MaxLength);
        var ended = patrol with { EndedAt = end < earliest ? earliest : end };
        await readModel.SaveAsync(Row(ended), null, null, [], CancellationToken.None);
        state.State.Patrol = ended;
        await state.WriteStateAsync();
        return ended;
    }

    /// <summary>The patrol, when it has started and the caller is its worker.</summary>
    private PatrolSnapshot Require(string worker)
    {
        var patrol = state.State.Patrol ?? throw DomainException.NotFound($"Patrol {Id} does not exist.");
        return patrol.Worker == worker ? patrol : throw DomainException.Forbidden($"Patrol {Id} is another worker's.");
    }

    /// <summary>Each point within the patrol (its start to its end, or now) and none before the one before it.</summary>
    private void CheckTimes(PatrolSnapshot patrol, IReadOnlyList<TrackPoint> points)
    {
        var latest = patrol.EndedAt ?? time.GetUtcNow() + ClockSkew;
        var previous = state.State.Last?.At ?? patrol.StartedAt;
        for (var i = 0; i < points.Count; i++)
        {
            var at = points[i].At;
            if (at < patrol.StartedAt || at > latest || at - patrol.StartedAt > MaxLength)
            {
                throw DomainException.Invalid($"points[{i}].at", $"A point's time is within the patrol: from its start ({patrol.StartedAt:O}) to {(patrol.Open ? "now" : "its end")}, at most {MaxLength.TotalHours:0} hours.");
            }

            if (at < previous)
            {
                throw DomainException.Invalid($"points[{i}].at", $"Points come in time order: this one is before {(i == 0 ? "the previous batch's last point" : $"points[{i - 1}]")} ({previous:O}).");
            }

            previous = at;
        }
    }

    /// <summary>The batch's length (haversine, continuing from the last point) and the grid's micro-grids its points lie in.</summary>
    private async Task<(double Distance, HashSet<string> Reached)> MeasureAsync(PatrolSnapshot patrol, IReadOnlyList<TrackPoint> points)
    {
        var distance = 0.0;
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var previous = state.State.Last;
        foreach (var point in points)
        {
            if (previous is not null)
            {
                distance += Distance.Metres(previous.Lat, previous.Lon, point.Lat, point.Lon);
            }

            // This silo's copy of the district's index answers without a grain call.
            var located = await indexes.LocateAsync(District, point.Lat, point.Lon);
            if (located.MicroGrid is { } micro && TerritoryCode.ParentOf(micro.Code) == patrol.GridCode)
            {
                reached.Add(micro.Code);
            }

            previous = point;
        }

        return (distance, reached);
    }

    private PatrolRow Row(PatrolSnapshot p) => new(
        p.Id, District, p.Worker, p.GridCode, Metrics.DayOf(p.StartedAt), p.StartedAt, p.EndedAt, p.Points, p.DistanceMetres, p.Seconds, p.MicroGrids);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static string Fingerprint(IReadOnlyList<TrackPoint> points)
    {
        var text = new StringBuilder();
        foreach (var p in points)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{p.Lat:R},{p.Lon:R},{p.At.UtcTicks};");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }
}
