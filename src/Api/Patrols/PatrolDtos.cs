using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using GridGov.Contracts.Patrols;

namespace GridGov.Api.Patrols;

/// <summary>A patrol to start: its grid, and for a patrol recorded offline and uploaded later, when it started (at most 10 days ago).</summary>
public sealed record PatrolStartRequest([property: Required, StringLength(15, MinimumLength = 15)] string GridCode, DateTimeOffset? StartedAt = null);

/// <summary>When the patrol ended, for one recorded offline; now when absent.</summary>
public sealed record PatrolEndRequest(DateTimeOffset? EndedAt = null);

/// <summary>A track point as a device sends it: WGS-84 latitude and longitude, and when it was taken (each is required: a missing one is a 400 naming it).</summary>
public sealed record TrackPointRequest(double? Lat = null, double? Lon = null, DateTimeOffset? At = null);

/// <summary>
/// A batch of track points: <c>batch</c> numbers the uploads 1, 2, 3… so that a retried upload is known (the same batch
/// with the same points answers as a duplicate).
/// </summary>
public sealed record TrackBatchRequest([property: JsonRequired] int Batch, [property: Required] IReadOnlyList<TrackPointRequest?> Points);

public sealed record PatrolVisitRequest(
    [property: Required, StringLength(48, MinimumLength = 1)] string HouseholdId,
    DateOnly? Date = null,
    [property: StringLength(1000)] string? Note = null);

public sealed record PatrolVisitView(
    string Id, string HouseholdId, DateOnly Date, string? Note, DateTimeOffset RecordedAt, string? MemberId, string? CareVisitId, int Points)
{
    public static PatrolVisitView From(PatrolVisit v) => new(v.Id, v.HouseholdId, v.Date, v.Note, v.RecordedAt, v.MemberId, v.CareVisitId, v.Points);
}

/// <summary>A patrol's figures: distance in metres (haversine over the track), time on patrol in seconds, micro-grids reached.</summary>
public sealed record PatrolView(
    string Id, string Worker, string GridCode, bool Open, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, int Batches, int Points,
    double DistanceMetres, double Seconds, DateTimeOffset? LastPointAt, int MicroGrids, IReadOnlyList<string> MicroGridsVisited,
    IReadOnlyList<PatrolVisitView> Visits)
{
    public static PatrolView From(PatrolSnapshot p) => new(
        p.Id, p.Worker, p.GridCode, p.Open, p.StartedAt, p.EndedAt, p.Batches, p.Points, Math.Round(p.DistanceMetres, 1), Math.Round(p.Seconds),
        p.LastPointAt, p.MicroGrids, p.MicroGridsVisited, p.Visits.Select(PatrolVisitView.From).ToArray());
}

public sealed record PatrolBatchView(bool Duplicate, int Accepted, PatrolView Patrol);

public sealed record TrackPointView(double Lat, double Lon, DateTimeOffset At);

public sealed record PatrolTrackView(string PatrolId, IReadOnlyList<TrackPointView> Points);

/// <summary>
/// Patrol figures of a period on one grid: patrols started in it, their distance and time, and the share of the grid's
/// micro-grids that a track point lay in (null when the grid has no micro-grids).
/// </summary>
public sealed record PatrolGridStatsView(
    string GridCode, int Patrols, double DistanceMetres, double Seconds, int MicroGrids, int MicroGridsVisited, double? MicroGridShare)
{
    public static PatrolGridStatsView From(PatrolStatsRow r) => new(
        r.GridCode, r.Patrols, Math.Round(r.DistanceMetres, 1), Math.Round(r.Seconds), r.MicroGrids, r.MicroGridsVisited,
        r.MicroGrids == 0 ? null : Math.Round((double)Math.Min(r.MicroGridsVisited, r.MicroGrids) / r.MicroGrids, 4));

    public static PatrolGridStatsView None(string gridCode) => new(gridCode, 0, 0, 0, 0, 0, null);
}

public sealed record GridPatrolStatsView(DateOnly From, DateOnly To, PatrolGridStatsView Stats);

/// <summary>A worker's patrol figures of a period: the totals, and per grid patrolled with its micro-grid share.</summary>
public sealed record WorkerPatrolStatsView(
    string District, string Worker, DateOnly From, DateOnly To, int Patrols, double DistanceMetres, double Seconds, IReadOnlyList<PatrolGridStatsView> Grids);
