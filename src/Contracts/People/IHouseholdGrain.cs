using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.People;

/// <summary>
/// A household (户), keyed <c>{district}-H{id}</c>: its address, residents, tags and linked Party member. A grid worker
/// reaches only the households of a grid whose staff they are: the others are refused as not found (read, link, unlink,
/// delete, remove a resident), and a put into another grid is forbidden.
/// </summary>
[Alias("gridgov.household")]
public interface IHouseholdGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>
    /// Creates or replaces the household's address, tags and residents (residents keep their ids). A grid worker writes
    /// only into a grid whose staff they are (403 otherwise).
    /// </summary>
    [Alias("put")]
    Task<Saved<HouseholdSnapshot>> PutAsync(HouseholdAddress address, IReadOnlyList<string> tags, IReadOnlyList<Resident> residents, string actor, long? expectedVersion);

    /// <summary>The household whatever the caller's grids: for grains and workflows that decide on it.</summary>
    [ReadOnly, AlwaysInterleave, Alias("get")]
    Task<HouseholdSnapshot?> GetAsync();

    /// <summary>The household for the caller: 404 when it does not exist, or is on a grid a grid worker is not staff of.</summary>
    [ReadOnly, AlwaysInterleave, Alias("read")]
    Task<HouseholdSnapshot> ReadAsync();

    /// <summary>Makes the member this household's contact (党员联系户); a household has at most one.</summary>
    [Alias("link")]
    Task<HouseholdSnapshot> LinkMemberAsync(string memberId, string actor);

    [Alias("unlink")]
    Task<HouseholdSnapshot> UnlinkMemberAsync(string memberId, string actor);

    /// <summary>Takes a resident out (to move them to another household); answers the resident as they were, or null when they are already out.</summary>
    [Alias("release-resident")]
    Task<Resident?> ReleaseResidentAsync(string residentId, string toHousehold, string actor);

    /// <summary>Takes in a resident from another household.</summary>
    [Alias("admit-resident")]
    Task<HouseholdSnapshot> AdmitResidentAsync(Resident resident, string fromHousehold, string actor);

    /// <summary>Deletes one resident from the registry (recorded in the household's history by id only).</summary>
    [Alias("remove-resident")]
    Task<HouseholdSnapshot> RemoveResidentAsync(string residentId, string actor, long? expectedVersion);

    /// <summary>
    /// Deletes the household: its residents leave the registry, its linked member forgets it, its history is archived,
    /// its rows leave the read model and its state is cleared. Repeating an interrupted deletion finishes it.
    /// </summary>
    [Alias("delete")]
    Task DeleteAsync(string actor, long? expectedVersion);

    /// <summary>Ends the link to a member that is being deleted (if this household has it), then confirms to the member.</summary>
    [Alias("forget-member")]
    Task ForgetMemberAsync(string memberId, string actor);

    /// <summary>
    /// Moves the household from the retired node <paramref name="from"/> (a grid or micro-grid) to
    /// <paramref name="to"/>, recorded as <c>moved</c> in its history with the reason. True when it moved now; false
    /// when it is not (or no longer) on <paramref name="from"/>.
    /// </summary>
    [Alias("move-grid")]
    Task<bool> MoveGridAsync(string from, string to, string reason, string actor);
}
