namespace GridGov.Contracts.Decisions;

/// <summary>A post on the villagers' committee (村委会).</summary>
public enum CommitteePost
{
    Chair,
    ViceChair,
    Member,
}

/// <summary>A cadre sent down to a village: first secretary (第一书记), work-team member (驻村工作队), Party-building instructor (党建指导员).</summary>
public enum CadreRole
{
    FirstSecretary,
    WorkTeamMember,
    PartyBuildingInstructor,
}

[GenerateSerializer, Immutable, Alias("gridgov.committee-member")]
public sealed record CommitteeMember(
    [property: Id(0)] string Name,
    [property: Id(1)] CommitteePost Post);

[GenerateSerializer, Immutable, Alias("gridgov.cadre-sent-down")]
public sealed record CadreSentDown(
    [property: Id(0)] string Name,
    [property: Id(1)] CadreRole Role,
    [property: Id(2)] string SendingUnit,
    [property: Id(3)] DateOnly From,
    [property: Id(4)] DateOnly? To)
{
    /// <summary>
    /// The cadre's staff id when they handle cases: while their term runs, the village's cases may be dispatched to
    /// them, and their handler indicators count what they handled.
    /// </summary>
    [Id(5)] public string? StaffId { get; init; }

    public bool Serves(DateOnly day) => From <= day && (To is null || day <= To);
}

/// <summary>What a PUT of a village sets: the whole record.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.village-upsert")]
public sealed record VillageUpsert(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<CommitteeMember> Committee,
    [property: Id(2)] bool SecretaryIsChair,
    [property: Id(3)] IReadOnlyList<CadreSentDown> Cadres);

/// <summary>
/// A village: a community-level territory node with its villagers' committee. <see cref="SecretaryIsChair"/> says the
/// Party branch secretary is also the committee's chair, which lets steps 1 and 2 of a decision be held together.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.village")]
public sealed record VillageSnapshot(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<CommitteeMember> Committee,
    [property: Id(3)] bool SecretaryIsChair,
    [property: Id(4)] IReadOnlyList<CadreSentDown> Cadres,
    [property: Id(5)] int Decisions,
    [property: Id(6)] long Version,
    [property: Id(7)] DateTimeOffset UpdatedAt);

/// <summary>A page of a village's decision ids, newest first, and the cursor of the next page (null at the end).</summary>
[GenerateSerializer, Immutable, Alias("gridgov.decision-id-page")]
public sealed record DecisionIdPage(
    [property: Id(0)] IReadOnlyList<string> Ids,
    [property: Id(1)] int? Next);
