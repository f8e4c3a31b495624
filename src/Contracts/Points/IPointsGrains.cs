using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Points;

/// <summary>
/// A district's point rules (key: the district code), every version of each. Read rarely: the granting grains keep a
/// copy per silo and ask <see cref="ChangedSinceAsync"/> when it is old.
/// </summary>
[Alias("gridgov.point-rules")]
public interface IPointRulesGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Writes a new version of the rule (its first, or the next); an unchanged rule writes nothing.</summary>
    [Alias("put")]
    Task<PointRule> PutAsync(string code, PointRuleDraft draft, string actor);

    /// <summary>Every version of every rule, and the set's revision.</summary>
    [ReadOnly, AlwaysInterleave, Alias("get")]
    Task<PointRuleSet> GetAsync();

    /// <summary>The set when its revision is not <paramref name="revision"/>, else null (the cheap version check).</summary>
    [ReadOnly, AlwaysInterleave, Alias("changed-since")]
    Task<PointRuleSet?> ChangedSinceAsync(long revision);
}

/// <summary>
/// A member's points ledger (key: the member's id, or a resident's where a rule applies to residents): append-only
/// entries, the (rule, source) pairs it has paid, its balance, and the care visits it recorded.
/// </summary>
[Alias("gridgov.points-ledger")]
public interface IPointsLedgerGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>
    /// Pays the rule in force on the grant's day for the source, once: a (rule, source) already paid answers its
    /// entry as a duplicate; a cap reached answers capped and writes nothing; a cap nearly reached pays what is left.
    /// </summary>
    [Alias("grant")]
    Task<PointGrantResult> GrantAsync(PointGrant grant);

    /// <summary>Reverses an entry with a new entry of the opposite points and the reason; an entry is reversed once.</summary>
    [Alias("correct")]
    Task<PointGrantResult> CorrectAsync(long seq, string reason, string actor);

    /// <summary>Records a care visit to one of the member's linked households (else 409) and pays the care-visit rules.</summary>
    [Alias("visit")]
    Task<CareVisitResult> VisitAsync(string householdId, DateOnly date, string? note, string actor);

    /// <summary>
    /// Records a care visit made on a patrol, as <see cref="VisitAsync"/> does; the same household on the same patrol
    /// answers the visit recorded first, with the entries that paid it, and pays nothing again.
    /// </summary>
    [Alias("visit-on-patrol")]
    Task<CareVisitResult> VisitOnPatrolAsync(string householdId, DateOnly date, string? note, string actor, string patrolId);

    /// <summary>The entries after <paramref name="after"/> (a sequence number), each with the balance after it.</summary>
    [ReadOnly, AlwaysInterleave, Alias("statement")]
    Task<PointStatement> StatementAsync(long? after, int limit);

    /// <summary>Sums the entries afresh and answers it beside the balance kept (which it repairs if they differ).</summary>
    [Alias("recount")]
    Task<PointRecount> RecountAsync();
}

/// <summary>
/// Which Party member has which staff id in a district (key: the district code), so that a case's handler (a staff id)
/// finds the member whose ledger pays them. Written by the member grain when a member's staff id changes.
/// </summary>
[Alias("gridgov.points-staff-index")]
public interface IPointsStaffIndexGrain : IGrainWithStringKey
{
    /// <summary>Gives the staff id to the member (releasing the member's previous one); 409 when another member has it.</summary>
    [Alias("claim")]
    Task ClaimAsync(string memberId, string? staffId, string? previousStaffId);

    [ReadOnly, AlwaysInterleave, Alias("member-of")]
    Task<string?> MemberOfAsync(string staffId);
}

/// <summary>A Party organization's meetings (key: the organization's id), each paying its attendees the meeting rules.</summary>
[Alias("gridgov.party-meetings")]
public interface IPartyMeetingsGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Records the meeting (attendees must be members of the organization, else 409) and pays each attendee.</summary>
    [Alias("record")]
    Task<PartyMeeting> RecordAsync(DateOnly date, string topic, IReadOnlyList<string> attendance, string actor);

    [ReadOnly, AlwaysInterleave, Alias("list")]
    Task<IReadOnlyList<PartyMeeting>> ListAsync();
}

/// <summary>
/// The ledgers' entries as rows (<c>gridgov_point_entries</c>), written by each ledger after its own state write, for
/// leaderboards that never activate a member's grain.
/// </summary>
public interface IPointsReadModel
{
    /// <summary>Writes the member's entries; an entry already there is left as it is (entries never change).</summary>
    Task AppendAsync(string memberId, IReadOnlyList<PointEntry> entries, CancellationToken cancellationToken);

    /// <summary>Members by points summed over the days (yyyyMMdd, inclusive), points descending then member id; skips <paramref name="offset"/>.</summary>
    Task<IReadOnlyList<LeaderboardRow>> LeaderboardAsync(
        string district, LeaderboardScope scope, string scopeId, int fromDay, int toDay, int offset, int limit, CancellationToken cancellationToken);
}

/// <summary>A grid's case-points subscriber (key: the grid code), activated by the grid's case events.</summary>
[Alias("gridgov.case-points")]
public interface ICasePointsGrain : IGrainWithStringKey
{
    /// <summary>How many paying events (a paying member found) this activation has applied, duplicates included (for diagnostics).</summary>
    [Orleans.Concurrency.AlwaysInterleave, Alias("applied")]
    Task<int> AppliedAsync();
}
