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

[GenerateSerializer, Immutable, Alias("gridgov.household-snapshot")]
public sealed record HouseholdSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] HouseholdAddress Address,
    [property: Id(2)] IReadOnlyList<Resident> Residents,
    [property: Id(3)] IReadOnlyList<string> Tags,
    [property: Id(4)] string? LinkedMemberId,
    [property: Id(5)] IReadOnlyList<RegistryChange> History,
    [property: Id(6)] long Version);
