using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Patrols;

/// <summary>
/// One grid worker's patrol (key: the patrol id, which starts with the district code). Holds the figures; the track
/// goes to the read model batch by batch (<see cref="IPatrolReadModel"/>). Every write names the worker (the caller's
/// staff id), and only the patrol's own worker may make it.
/// </summary>
[Alias("gridgov.patrol")]
public interface IPatrolGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>
    /// Starts the patrol on the grid (a grid of the patrol's district that is not retired), now or at
    /// <paramref name="startedAt"/> for a patrol recorded offline (at most 10 days ago); 409 when already started.
    /// </summary>
    [Alias("start")]
    Task<PatrolSnapshot> StartAsync(string gridCode, string worker, DateTimeOffset? startedAt);

    /// <summary>
    /// Takes batch <paramref name="batch"/> (1, 2, 3…, in order): its points within the patrol's time and not before the
    /// previous batch's last. A batch already taken with the same points answers as a duplicate and changes nothing.
    /// </summary>
    [Alias("points")]
    Task<PatrolBatchResult> AddPointsAsync(int batch, IReadOnlyList<TrackPoint> points, string worker);

    /// <summary>
    /// Ends the patrol now, or at <paramref name="endedAt"/> (not before its last point, at most 24 hours after its
    /// start); ending it again answers it as it is.
    /// </summary>
    [Alias("end")]
    Task<PatrolSnapshot> EndAsync(string worker, DateTimeOffset? endedAt);

    /// <summary>
    /// Records a care visit to a household of the district during the open patrol; a second visit to the same household
    /// on the same patrol answers the first. A worker who is a Party member linked to the household earns the careVisit points.
    /// </summary>
    [Alias("visit")]
    Task<PatrolVisit> VisitAsync(string householdId, DateOnly date, string? note, string worker);

    [ReadOnly, AlwaysInterleave, Alias("get")]
    Task<PatrolSnapshot?> GetAsync();
}
