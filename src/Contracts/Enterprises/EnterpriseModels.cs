using GridGov.Contracts.Territory;

namespace GridGov.Contracts.Enterprises;

/// <summary>
/// What a PUT (or an import row) says of an enterprise. The contact's phone arrives already hashed and masked (the
/// API does that), so no whole number enters the cluster.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.enterprise-profile")]
public sealed record EnterpriseProfile(
    [property: Id(0)] string Name,
    [property: Id(1)] string Address,
    [property: Id(2)] double Lat,
    [property: Id(3)] double Lon,
    [property: Id(4)] string Industry,
    [property: Id(5)] int EmployeeCount,
    [property: Id(6)] string? PartyOrganizationId,
    [property: Id(7)] string? ContactName,
    [property: Id(8)] string? ContactPhoneHash,
    [property: Id(9)] string? ContactPhoneMasked);

/// <summary>
/// An enterprise as stored: its profile, the grid (and micro-grid) its location falls in, its version and who last
/// changed it. Id is <c>{district}-{creditCode}</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.enterprise-snapshot")]
public sealed record EnterpriseSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] EnterpriseProfile Profile,
    [property: Id(2)] string GridCode,
    [property: Id(3)] string? MicroGridCode,
    [property: Id(4)] long Version,
    [property: Id(5)] DateTimeOffset UpdatedAt,
    [property: Id(6)] string UpdatedBy)
{
    public string CreditCode => EnterpriseIds.CreditCodeOf(Id);
}

public static class EnterpriseIds
{
    /// <summary><c>{district}-{creditCode}</c>: a 6-digit district code, a dash, then a valid unified social credit code.</summary>
    public static bool IsValid(string? id) =>
        id is { Length: 7 + CreditCode.Length } && id[6] == '-' && TerritoryCode.IsValid(id[..6])
        && TerritoryCode.LevelOf(id[..6]) == TerritoryLevel.District && CreditCode.IsValid(id[7..]);

    public static string Of(string district, string creditCode) => $"{district}-{creditCode}";

    public static string CreditCodeOf(string id) => id[7..];
}
