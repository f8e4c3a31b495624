using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.People;

/// <summary>A Party organization (committee → branch → group), keyed <c>{district}-PO{n}</c>.</summary>
[Alias("gridgov.party-organization")]
public interface IPartyOrganizationGrain : IGrainWithStringKey, ITenantGrain
{
    [Alias("put")]
    Task<Saved<PartyOrganizationSnapshot>> PutAsync(OrganizationKind kind, string name, string? parentId, string? partyGridId, string? gridCode, long? expectedVersion);

    [ReadOnly, AlwaysInterleave, Alias("get")]
    Task<PartyOrganizationSnapshot?> GetAsync();

    /// <summary>The organization's mobile members (流动党员), by id after the cursor; null when the organization does not exist.</summary>
    [ReadOnly, AlwaysInterleave, Alias("mobile-members")]
    Task<IReadOnlyList<PartyMemberSnapshot>?> ListMobileMembersAsync(string? after, int limit);

    /// <summary>Records a new child organization; called by the child before it is first written.</summary>
    [Alias("adopt")]
    Task AdoptAsync(string childId, OrganizationKind childKind);

    /// <summary>Forgets a child organization that has been deleted.</summary>
    [Alias("disown")]
    Task DisownAsync(string childId);

    /// <summary>Records a member joining (by registration or transfer); refused when the organization does not exist.</summary>
    [Alias("enroll")]
    Task EnrollAsync(string memberId);

    /// <summary>Forgets a member that has left (by transfer or deletion).</summary>
    [Alias("leave")]
    Task LeaveAsync(string memberId);

    /// <summary>True while this organization is, or is being written as, a child of the given one.</summary>
    [ReadOnly, AlwaysInterleave, Alias("is-child-of")]
    Task<bool> IsChildOfAsync(string parentId);

    /// <summary>
    /// Deletes the organization: refused (409) while it has children or members; otherwise it leaves its parent's
    /// children and the read model, is archived, and its state is cleared.
    /// </summary>
    [Alias("delete")]
    Task DeleteAsync(string actor, long? expectedVersion);
}
