using GridGov.Contracts.Security;

namespace GridGov.Api.Security;

/// <summary>
/// What each role may do. Every endpoint names one of these policies; docs/security.md shows the same table.
/// </summary>
public static class Policies
{
    public const string TerritoryRead = "territory.read";
    public const string TerritoryWrite = "territory.write";
    public const string Locate = "locate";
    public const string PartyGridRead = "party-grid.read";
    public const string PartyGridWrite = "party-grid.write";
    public const string ApiKeys = "api-keys";
    public const string Audit = "audit";

    private static readonly string[] Staff = [Roles.Operator, Roles.DistrictAdmin, Roles.CommandCentre, Roles.GridWorker, Roles.PartySecretary];
    private static readonly string[] Admins = [Roles.Operator, Roles.DistrictAdmin];

    public static readonly IReadOnlyDictionary<string, string[]> AllowedRoles = new Dictionary<string, string[]>
    {
        [TerritoryRead] = Staff,
        [TerritoryWrite] = Admins,
        [Locate] = [.. Staff, Roles.App],
        [PartyGridRead] = Staff,
        [PartyGridWrite] = Admins,
        [ApiKeys] = Admins,
        [Audit] = Admins,
    };
}
