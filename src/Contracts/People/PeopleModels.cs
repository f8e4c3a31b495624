using GridGov.Contracts.Security;
using Orleans.Concurrency;
using GridGov.Contracts.Territory;

namespace GridGov.Contracts.People;

public enum Gender
{
    Female,
    Male,
}

/// <summary>常住 registered or 流动 floating.</summary>
public enum ResidenceType
{
    Registered,
    Floating,
}

/// <summary>A resident as stored: identity number and phone only as keyed hash and masked form.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.resident")]
public sealed record Resident(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] Gender Gender,
    [property: Id(3)] int BirthYear,
    [property: Id(4)] string Relation,
    [property: Id(5)] ResidenceType ResidenceType,
    [property: Id(6)] string? IdNumberHash,
    [property: Id(7)] string? IdNumberMasked,
    [property: Id(8)] string? PhoneHash,
    [property: Id(9)] string? PhoneMasked,
    [property: Id(10)] IReadOnlyList<string> CareTags);

[GenerateSerializer, Immutable, Alias("gridgov.household-address")]
public sealed record HouseholdAddress(
    [property: Id(0)] string GridCode,
    [property: Id(1)] string? MicroGridCode,
    [property: Id(2)] string Building,
    [property: Id(3)] string? Unit,
    [property: Id(4)] string Room);

/// <summary>One entry of a household's (or member's) history: what changed, when, by whom.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.registry-change")]
public sealed record RegistryChange(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Actor,
    [property: Id(2)] string What,
    [property: Id(3)] string? From,
    [property: Id(4)] string? To);

[GenerateSerializer, Immutable, Alias("gridgov.household-snapshot")]
public sealed record HouseholdSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] HouseholdAddress Address,
    [property: Id(2)] IReadOnlyList<Resident> Residents,
    [property: Id(3)] IReadOnlyList<string> Tags,
    [property: Id(4)] string? LinkedMemberId,
    [property: Id(5)] IReadOnlyList<RegistryChange> History,
    [property: Id(6)] long Version);

/// <summary>A household (户), keyed <c>{district}-H{id}</c>: its address, residents, tags and linked Party member.</summary>
[Alias("gridgov.household")]
public interface IHouseholdGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Creates or replaces the household's address, tags and residents (residents keep their ids).</summary>
    [Alias("put")]
    Task<HouseholdSnapshot> PutAsync(HouseholdAddress address, IReadOnlyList<string> tags, IReadOnlyList<Resident> residents, string actor, long? expectedVersion);

    [ReadOnly, AlwaysInterleave, Alias("get")]
    Task<HouseholdSnapshot?> GetAsync();

    /// <summary>Makes the member this household's contact (党员联系户); a household has at most one.</summary>
    [Alias("link")]
    Task<HouseholdSnapshot> LinkMemberAsync(string memberId, string actor);

    [Alias("unlink")]
    Task<HouseholdSnapshot> UnlinkMemberAsync(string memberId, string actor);

    /// <summary>Takes a resident out (to move them to another household); answers the resident as they were.</summary>
    [Alias("release-resident")]
    Task<Resident> ReleaseResidentAsync(string residentId, string toHousehold, string actor);

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
}

public enum OrganizationKind
{
    /// <summary>党委/党总支: the village- or community-level Party organization.</summary>
    Committee,

    /// <summary>党支部.</summary>
    Branch,

    /// <summary>党小组.</summary>
    Group,
}

[GenerateSerializer, Immutable, Alias("gridgov.party-organization-snapshot")]
public sealed record PartyOrganizationSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] OrganizationKind Kind,
    [property: Id(2)] string Name,
    [property: Id(3)] string? ParentId,
    [property: Id(4)] string? PartyGridId,
    [property: Id(5)] string? GridCode,
    [property: Id(6)] IReadOnlyList<string> Children,
    [property: Id(7)] long Version,
    [property: Id(8)] IReadOnlyList<string> Members);

/// <summary>A Party organization (committee → branch → group), keyed <c>{district}-PO{n}</c>.</summary>
[Alias("gridgov.party-organization")]
public interface IPartyOrganizationGrain : IGrainWithStringKey, ITenantGrain
{
    [Alias("put")]
    Task<PartyOrganizationSnapshot> PutAsync(OrganizationKind kind, string name, string? parentId, string? partyGridId, string? gridCode, long? expectedVersion);

    [ReadOnly, AlwaysInterleave, Alias("get")]
    Task<PartyOrganizationSnapshot?> GetAsync();

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

public enum MemberStatus
{
    /// <summary>预备党员.</summary>
    Probationary,

    /// <summary>正式党员.</summary>
    Full,
}

[GenerateSerializer, Immutable, Alias("gridgov.party-member-snapshot")]
public sealed record PartyMemberSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? PhoneMasked,
    [property: Id(3)] MemberStatus Status,
    [property: Id(4)] bool Mobile,
    [property: Id(5)] DateOnly Joined,
    [property: Id(6)] string OrganizationId,
    [property: Id(7)] string? GridRole,
    [property: Id(8)] IReadOnlyList<string> Households,
    [property: Id(9)] IReadOnlyList<RegistryChange> History,
    [property: Id(10)] long Version);

[GenerateSerializer, Immutable, Alias("gridgov.party-member-profile")]
public sealed record PartyMemberProfile(
    [property: Id(0)] string Name,
    [property: Id(1)] string? PhoneHash,
    [property: Id(2)] string? PhoneMasked,
    [property: Id(3)] MemberStatus Status,
    [property: Id(4)] bool Mobile,
    [property: Id(5)] DateOnly Joined,
    [property: Id(6)] string OrganizationId,
    [property: Id(7)] string? GridRole);

/// <summary>A Party member (党员), keyed <c>{district}-M{id}</c>.</summary>
[Alias("gridgov.party-member")]
public interface IPartyMemberGrain : IGrainWithStringKey, ITenantGrain
{
    [Alias("put")]
    Task<PartyMemberSnapshot> PutAsync(PartyMemberProfile profile, string actor, long? expectedVersion);

    [ReadOnly, AlwaysInterleave, Alias("get")]
    Task<PartyMemberSnapshot?> GetAsync();

    /// <summary>Moves the member to another organization (组织关系转接), recorded in their history.</summary>
    [Alias("transfer")]
    Task<PartyMemberSnapshot> TransferAsync(string organizationId, string actor, string? note);

    /// <summary>
    /// Records (or forgets) a household this member keeps in touch with; called by the household only. A member that
    /// does not exist, or is being deleted, refuses a new link and has nothing to forget.
    /// </summary>
    [Alias("keep-household")]
    Task KeepHouseholdAsync(string householdId, bool linked);

    /// <summary>True while this member belongs, or is being written as belonging, to the organization.</summary>
    [ReadOnly, AlwaysInterleave, Alias("is-member-of")]
    Task<bool> IsMemberOfAsync(string organizationId);

    /// <summary>
    /// Starts deleting the member: from here on it is gone for readers and refuses new links. Answers the households it
    /// still keeps in touch with, which the caller asks to forget it (<see cref="IHouseholdGrain.ForgetMemberAsync"/>)
    /// before <see cref="CompleteDeleteAsync"/>. Repeating it resumes an interrupted deletion.
    /// </summary>
    [Alias("begin-delete")]
    Task<IReadOnlyList<string>> BeginDeleteAsync(string actor, long? expectedVersion);

    /// <summary>Finishes a deletion once no household is left: leaves the organization, archives, clears the state.</summary>
    [Alias("complete-delete")]
    Task CompleteDeleteAsync();
}

public static class PeopleIds
{
    /// <summary><c>{district}-{prefix}{id}</c>: the district code, a dash, the prefix, then 1 to 32 letters, digits, '-' or '_'.</summary>
    public static bool IsValid(string? id, string prefix) =>
        id is not null && id.Length > 7 + prefix.Length && id.Length <= 7 + prefix.Length + 32
        && Territory.TerritoryCode.IsValid(DistrictCode.Of(id)) && id[6] == '-' && id.AsSpan(7).StartsWith(prefix, StringComparison.Ordinal)
        && id[(7 + prefix.Length)..].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
