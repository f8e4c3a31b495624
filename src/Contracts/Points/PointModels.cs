namespace GridGov.Contracts.Points;

/// <summary>What earns (or costs) the points of a rule.</summary>
public enum PointTrigger
{
    /// <summary>The handler of a case closed (verified) by its time limit.</summary>
    CaseClosedOnTime,

    /// <summary>The handler of a case its reporter rated satisfied (4 or 5 of 5).</summary>
    CaseEvaluatedSatisfied,

    /// <summary>A care visit to a household the member is linked to.</summary>
    CareVisit,

    /// <summary>Volunteering, granted by an administrator with the activity's id.</summary>
    Volunteering,

    /// <summary>Attending a branch meeting.</summary>
    MeetingAttended,

    /// <summary>Any other grant (or deduction) by an administrator, with a reason.</summary>
    Manual,
}

/// <summary>The period a rule's cap counts over (China Standard Time).</summary>
public enum PointPeriod
{
    Month,
    Quarter,
    Year,
}

/// <summary>Who a rule's points go to.</summary>
public enum PointAudience
{
    PartyMembers,

    /// <summary>Party members and residents (the district's choice).</summary>
    PartyMembersAndResidents,
}

/// <summary>What a rule says, as a district administrator writes it; the rules grain numbers the versions.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.point-rule-draft")]
public sealed record PointRuleDraft(
    [property: Id(0)] string Name,
    [property: Id(1)] int Points,
    [property: Id(2)] PointTrigger Trigger,
    [property: Id(3)] int? Cap,
    [property: Id(4)] PointPeriod? CapPeriod,
    [property: Id(5)] PointAudience AppliesTo,
    [property: Id(6)] DateOnly EffectiveFrom);

/// <summary>One version of a rule: in force from <see cref="EffectiveFrom"/> until a later version's date.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.point-rule")]
public sealed record PointRule(
    [property: Id(0)] string Code,
    [property: Id(1)] int Version,
    [property: Id(2)] PointRuleDraft Rule,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] string CreatedBy);

/// <summary>Every version of every rule of a district, and the revision that numbers each change of the set.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.point-rule-set")]
public sealed record PointRuleSet(
    [property: Id(0)] string District,
    [property: Id(1)] long Revision,
    [property: Id(2)] IReadOnlyList<PointRule> Rules)
{
    /// <summary>The version of the rule in force on the day (the latest version effective by then), or none.</summary>
    public PointRule? InForce(string code, DateOnly day) => Rules
        .Where(r => r.Code == code && r.Rule.EffectiveFrom <= day)
        .OrderByDescending(r => r.Rule.EffectiveFrom).ThenByDescending(r => r.Version)
        .FirstOrDefault();

    /// <summary>The codes of the rules with this trigger (each then resolved for a day with <see cref="InForce"/>).</summary>
    public IEnumerable<string> CodesOf(PointTrigger trigger) =>
        Rules.Where(r => r.Rule.Trigger == trigger).Select(r => r.Code).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
}

/// <summary>
/// One entry of a member's ledger: never changed once written. A correction is an entry of its own that
/// <see cref="Reverses"/> another, with the opposite points and a reason.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.point-entry")]
public sealed record PointEntry(
    [property: Id(0)] long Seq,
    [property: Id(1)] string RuleCode,
    [property: Id(2)] int RuleVersion,
    [property: Id(3)] int Points,
    [property: Id(4)] string Source,
    [property: Id(5)] string GrantedBy,
    [property: Id(6)] DateTimeOffset At,
    [property: Id(7)] DateOnly Day,
    [property: Id(8)] string? Reason,
    [property: Id(9)] long? Reverses,
    [property: Id(10)] PointScope Scope);

/// <summary>Where an entry counts on the leaderboards: the member's organization, branch and grids when it was granted.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.point-scope")]
public sealed record PointScope(
    [property: Id(0)] string? OrganizationId,
    [property: Id(1)] string? BranchId,
    [property: Id(2)] string? PartyGridId,
    [property: Id(3)] string? GridCode);

/// <summary>A request to pay a rule for a source (<c>case:{id}</c>, <c>visit:{id}</c>, <c>meeting:{id}</c>, <c>manual:{id}</c>).</summary>
[GenerateSerializer, Immutable, Alias("gridgov.point-grant")]
public sealed record PointGrant(
    [property: Id(0)] string RuleCode,
    [property: Id(1)] PointTrigger Trigger,
    [property: Id(2)] string Source,
    [property: Id(3)] DateOnly Day,
    [property: Id(4)] string GrantedBy,
    [property: Id(5)] string? Reason,
    [property: Id(6)] string? GridCode);

public enum GrantOutcome
{
    /// <summary>A new entry was written.</summary>
    Granted,

    /// <summary>The rule had already paid this source: the entry it wrote then.</summary>
    Duplicate,

    /// <summary>The member had reached the rule's cap for the period: nothing was written.</summary>
    Capped,
}

[GenerateSerializer, Immutable, Alias("gridgov.point-grant-result")]
public sealed record PointGrantResult(
    [property: Id(0)] GrantOutcome Outcome,
    [property: Id(1)] PointEntry? Entry,
    [property: Id(2)] long Balance);

/// <summary>A page of a member's statement: entries, oldest first, each with the balance after it.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.point-statement")]
public sealed record PointStatement(
    [property: Id(0)] string MemberId,
    [property: Id(1)] long Balance,
    [property: Id(2)] IReadOnlyList<StatementLine> Lines,
    [property: Id(3)] long? NextAfter);

[GenerateSerializer, Immutable, Alias("gridgov.point-statement-line")]
public sealed record StatementLine([property: Id(0)] PointEntry Entry, [property: Id(1)] long Balance);

/// <summary>The balance the ledger kept, and the one summed afresh from its entries.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.point-recount")]
public sealed record PointRecount(
    [property: Id(0)] string MemberId,
    [property: Id(1)] long Kept,
    [property: Id(2)] long Recounted,
    [property: Id(3)] int Entries);

/// <summary>A care visit to a household (入户走访).</summary>
[GenerateSerializer, Immutable, Alias("gridgov.care-visit")]
public sealed record CareVisit(
    [property: Id(0)] string Id,
    [property: Id(1)] string MemberId,
    [property: Id(2)] string HouseholdId,
    [property: Id(3)] DateOnly Date,
    [property: Id(4)] string? Note,
    [property: Id(5)] string RecordedBy,
    [property: Id(6)] DateTimeOffset RecordedAt)
{
    /// <summary>The patrol the visit was made on (docs/resources.md, "Patrols and visits"); null for a visit recorded on its own.</summary>
    [Id(7)] public string? PatrolId { get; init; }
}

[GenerateSerializer, Immutable, Alias("gridgov.care-visit-result")]
public sealed record CareVisitResult([property: Id(0)] CareVisit Visit, [property: Id(1)] IReadOnlyList<PointEntry> Entries);

/// <summary>A branch meeting (支部会议/三会一课) and who attended.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.party-meeting")]
public sealed record PartyMeeting(
    [property: Id(0)] string Id,
    [property: Id(1)] string OrganizationId,
    [property: Id(2)] DateOnly Date,
    [property: Id(3)] string Topic,
    [property: Id(4)] IReadOnlyList<string> Attendance,
    [property: Id(5)] string RecordedBy,
    [property: Id(6)] DateTimeOffset RecordedAt,
    [property: Id(7)] bool Granted);

/// <summary>Which leaderboard: a comprehensive grid, a Party-building grid or a branch.</summary>
public enum LeaderboardScope
{
    Grid,
    PartyGrid,
    Branch,
}

/// <summary>A member's place on a leaderboard; the name as the member's row has it now (null for a member since deleted).</summary>
public sealed record LeaderboardRow(int Rank, string MemberId, long Points, int Entries, string? Name = null);
