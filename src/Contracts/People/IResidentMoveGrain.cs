using GridGov.Contracts.Security;

namespace GridGov.Contracts.People;

/// <summary>
/// The moves of one resident between households, keyed by the resident's id: it owns the workflow that crosses two
/// households (admit into the destination, then release from the source) and finishes it even when the caller goes away.
/// </summary>
[Alias("gridgov.resident-move")]
public interface IResidentMoveGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Moves the resident from one household to another; answers the destination as the move left it.</summary>
    [Alias("move")]
    Task<HouseholdSnapshot> MoveAsync(string fromHousehold, string toHousehold, string actor);
}
