using System.Globalization;
using System.Security.Cryptography;
using GridGov.Contracts.People;

namespace GridGov.Contracts.Patrols;

/// <summary>Patrol ids: <c>{district}-PT{yyyyMMddHHmmss}{4 hex}</c>, so the key carries its tenant like every district's grain.</summary>
public static class PatrolIds
{
    public static string New(string district, DateTimeOffset now) =>
        $"{district}-PT{now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";

    public static bool IsValid(string? id) => PeopleIds.IsValid(id, "PT");
}

/// <summary>The sizes a patrol keeps to.</summary>
public static class PatrolLimits
{
    /// <summary>Points in one upload.</summary>
    public const int BatchPoints = 1000;

    /// <summary>Points in one patrol (a point every 2 s for 24 h is 43,200).</summary>
    public const int PatrolPoints = 100_000;
}

/// <summary>One point of a patrol's track (WGS-84) and when the device took it.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.track-point")]
public sealed record TrackPoint([property: Id(0)] double Lat, [property: Id(1)] double Lon, [property: Id(2)] DateTimeOffset At);

/// <summary>A grid worker's patrol (人在网格走) as its grain keeps it: the figures, not the track.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.patrol-snapshot")]
public sealed record PatrolSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] string Worker,
    [property: Id(2)] string GridCode,
    [property: Id(3)] DateTimeOffset StartedAt,
    [property: Id(4)] DateTimeOffset? EndedAt,
    [property: Id(5)] int Batches,
    [property: Id(6)] int Points,
    [property: Id(7)] double DistanceMetres,
    [property: Id(8)] DateTimeOffset? LastPointAt,
    [property: Id(9)] int MicroGrids,
    [property: Id(10)] IReadOnlyList<string> MicroGridsVisited,
    [property: Id(11)] IReadOnlyList<PatrolVisit> Visits)
{
    public bool Open => EndedAt is null;

    /// <summary>Time on patrol: start to end, or to the last point while the patrol is open.</summary>
    public double Seconds => Math.Max(0, ((EndedAt ?? LastPointAt ?? StartedAt) - StartedAt).TotalSeconds);
}

/// <summary>What a batch upload did: accepted (a new batch) or duplicate (a retried batch already taken).</summary>
[GenerateSerializer, Immutable, Alias("gridgov.patrol-batch-result")]
public sealed record PatrolBatchResult([property: Id(0)] bool Duplicate, [property: Id(1)] int Accepted, [property: Id(2)] PatrolSnapshot Patrol);

/// <summary>
/// A care visit (走访) made on a patrol. When the worker is a Party member linked to the household, the member's ledger
/// records it too (<see cref="CareVisitId"/>) and pays the careVisit rules there.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.patrol-visit")]
public sealed record PatrolVisit(
    [property: Id(0)] string Id,
    [property: Id(1)] string HouseholdId,
    [property: Id(2)] DateOnly Date,
    [property: Id(3)] string? Note,
    [property: Id(4)] DateTimeOffset RecordedAt,
    [property: Id(5)] string? MemberId,
    [property: Id(6)] string? CareVisitId,
    [property: Id(7)] int Points);

/// <summary>A patrol's figures as the read model keeps them (one row per patrol), rewritten by its grain.</summary>
public sealed record PatrolRow(
    string Id, string District, string Worker, string GridCode, int Day, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    int Points, double DistanceMetres, double Seconds, int MicroGrids);

/// <summary>Patrol figures over a period: for a grid, or for a worker on one grid.</summary>
public sealed record PatrolStatsRow(
    string GridCode, int Patrols, double DistanceMetres, double Seconds, int MicroGrids, int MicroGridsVisited);

/// <summary>
/// Patrols as rows (<c>gridgov_patrols</c>), their tracks in chunks of one batch (<c>gridgov_patrol_tracks</c>) and the
/// micro-grids each reached (<c>gridgov_patrol_micro_grids</c>): written by the patrol's grain, read for the figures
/// per worker and grid without activating a patrol.
/// </summary>
public interface IPatrolReadModel
{
    /// <summary>
    /// In one transaction: the patrol's row (rewritten), the batch's points (kept if already there: a retried batch) and
    /// the micro-grids newly reached.
    /// </summary>
    Task SaveAsync(PatrolRow row, int? batch, IReadOnlyList<TrackPoint>? points, IReadOnlyList<string> microGrids, CancellationToken cancellationToken);

    /// <summary>The patrol's track, batch by batch in order.</summary>
    Task<IReadOnlyList<TrackPoint>> TrackAsync(string patrolId, CancellationToken cancellationToken);

    /// <summary>A grid's patrols whose day (yyyyMMdd, China Standard Time, of the start) is in the range: null when none.</summary>
    Task<PatrolStatsRow?> GridStatsAsync(string gridCode, int fromDay, int toDay, CancellationToken cancellationToken);

    /// <summary>A worker's patrols in the range, one row per grid patrolled.</summary>
    Task<IReadOnlyList<PatrolStatsRow>> WorkerStatsAsync(string district, string worker, int fromDay, int toDay, CancellationToken cancellationToken);
}
