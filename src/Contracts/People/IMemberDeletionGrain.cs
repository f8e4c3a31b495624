using GridGov.Contracts.Security;

namespace GridGov.Contracts.People;

/// <summary>
/// The deletion of one Party member, keyed by the member's id: it owns the workflow that crosses the member and its
/// households, and finishes it even when the caller goes away.
/// </summary>
[Alias("gridgov.member-deletion")]
public interface IMemberDeletionGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>
    /// Deletes the member: the member decides (refusing with 404 or 412), each household it keeps in touch with forgets
    /// it, then the member completes. Once decided, the deletion is finished by this grain whatever happens to the call.
    /// </summary>
    [Alias("delete")]
    Task DeleteAsync(string actor, long? expectedVersion);
}
