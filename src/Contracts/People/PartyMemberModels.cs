namespace GridGov.Contracts.People;

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
    [property: Id(10)] long Version)
{
    /// <summary>The member's staff id (a grid worker's, as in a grid's staff list), so that cases they handle pay their points.</summary>
    [Id(11)] public string? StaffId { get; init; }

    /// <summary>Where the member is while mobile (流动党员); null while at home. The home organization keeps them either way.</summary>
    [Id(12)] public MemberMobility? Mobility { get; init; }
}

/// <summary>
/// Where a mobile Party member (流动党员) is: the city, the organization that holds them there (a Party organization of
/// a workplace or a mobile members' branch elsewhere, named as text, for it is outside the district), since when, and
/// a contact's masked phone.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.member-mobility")]
public sealed record MemberMobility(
    [property: Id(0)] string City,
    [property: Id(1)] string HoldingOrganization,
    [property: Id(2)] DateOnly Since,
    [property: Id(3)] string? ContactPhoneMasked);

[GenerateSerializer, Immutable, Alias("gridgov.party-member-profile")]
public sealed record PartyMemberProfile(
    [property: Id(0)] string Name,
    [property: Id(1)] string? PhoneHash,
    [property: Id(2)] string? PhoneMasked,
    [property: Id(3)] MemberStatus Status,
    [property: Id(4)] bool Mobile,
    [property: Id(5)] DateOnly Joined,
    [property: Id(6)] string OrganizationId,
    [property: Id(7)] string? GridRole)
{
    /// <summary>The member's staff id, when the member is also a grid worker (or other staff) who handles cases.</summary>
    [Id(8)] public string? StaffId { get; init; }
}
