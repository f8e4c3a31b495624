using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.People;

/// <summary>A Party member (党员), keyed <c>{district}-M{id}</c>.</summary>
[Alias("gridgov.party-member")]
public interface IPartyMemberGrain : IGrainWithStringKey, ITenantGrain
{
    [Alias("put")]
    Task<Saved<PartyMemberSnapshot>> PutAsync(PartyMemberProfile profile, string actor, long? expectedVersion);

    [ReadOnly, AlwaysInterleave, Alias("get")]
    Task<PartyMemberSnapshot?> GetAsync();

    /// <summary>Moves the member to another organization (组织关系转接), recorded in their history.</summary>
    [Alias("transfer")]
    Task<PartyMemberSnapshot> TransferAsync(string organizationId, string actor, string? note);

    /// <summary>
    /// Marks the member mobile with where they are, or updates where they are; the home organization keeps them.
    /// Refused (409) for a member that does not exist.
    /// </summary>
    [Alias("set-mobility")]
    Task<PartyMemberSnapshot> SetMobilityAsync(MemberMobility mobility, string actor, long? expectedVersion);

    /// <summary>Unmarks a mobile member who came back, recording where from in their history; 409 when not mobile.</summary>
    [Alias("returned")]
    Task<PartyMemberSnapshot> ReturnAsync(DateOnly returnedOn, string? note, string actor, long? expectedVersion);

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
    /// still keeps in touch with, which its deletion workflow (<see cref="IMemberDeletionGrain"/>) asks to forget it (<see cref="IHouseholdGrain.ForgetMemberAsync"/>)
    /// before <see cref="CompleteDeleteAsync"/>. Repeating it resumes an interrupted deletion.
    /// </summary>
    [Alias("begin-delete")]
    Task<IReadOnlyList<string>> BeginDeleteAsync(string actor, long? expectedVersion);

    /// <summary>Finishes a deletion once no household is left: leaves the organization, archives, clears the state.</summary>
    [Alias("complete-delete")]
    Task CompleteDeleteAsync();
}
