using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Cases;

/// <summary>
/// A grid's open cases and counters (keyed by grid code), fed by the case events on the grid's stream (implicit
/// subscription), idempotent by each case's version.
/// </summary>
[Alias("gridgov.grid-cases")]
public interface IGridCasesGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>
    /// The grid's open cases and counts. Like the duplicate check it reads state that changes only between awaits, so it
    /// interleaves with everything, the timed read-model write included.
    /// </summary>
    [AlwaysInterleave, Alias("get")]
    Task<GridCasesView> GetAsync();

    /// <summary>
    /// An open case of the category within the distance that was reported within the window, if any: the earliest of
    /// this grid's and of the neighbouring grids' within the distance of the point (<see cref="FindDuplicateHereAsync"/>).
    /// Every report with a location asks this before it is written, so it never waits behind the grid's read-model
    /// write or its events.
    /// </summary>
    [AlwaysInterleave, Alias("find-duplicate")]
    Task<string?> FindDuplicateAsync(string category, double lat, double lon, DateTimeOffset since, double metres);

    /// <summary>This grid's earliest open case of the category within the distance reported within the window, if any.</summary>
    [AlwaysInterleave, Alias("find-duplicate-here")]
    Task<OpenCase?> FindDuplicateHereAsync(string category, double lat, double lon, DateTimeOffset since, double metres);

    /// <summary>The tally of every case routed to this node, as a source of the node's <see cref="IIndicatorsGrain"/>.</summary>
    [AlwaysInterleave, Alias("tally-snapshot")]
    Task<TallyBatch> SnapshotAsync();

    [AlwaysInterleave, Alias("tally-position")]
    Task<TallyPosition> PositionAsync();

    /// <summary>Writes what is pending, then starts again from the read model (under a new epoch).</summary>
    [Alias("reload")]
    Task ReloadAsync();
}
