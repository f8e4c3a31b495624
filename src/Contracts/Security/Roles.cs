namespace GridGov.Contracts.Security;

/// <summary>The roles a caller can hold; what each may do is in docs/security.md and the API's policies.</summary>
public static class Roles
{
    /// <summary>Municipal IT: tenants, keys, everything, in every district.</summary>
    public const string Operator = "operator";

    public const string DistrictAdmin = "district-admin";

    /// <summary>Dispatch, escalate, indicators.</summary>
    public const string CommandCentre = "command-centre";

    /// <summary>Only the cases dispatched to them and their grid's households.</summary>
    public const string GridWorker = "grid-worker";

    public const string PartySecretary = "party-secretary";

    /// <summary>A third-party app: reports cases, reads its own cases and public case status; no personal data.</summary>
    public const string App = "app";

    /// <summary>Indicators only.</summary>
    public const string Viewer = "viewer";

    public static readonly IReadOnlyList<string> All =
        [Operator, DistrictAdmin, CommandCentre, GridWorker, PartySecretary, App, Viewer];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role);
}

/// <summary>A caller's scope: one district code, or <c>*</c> for municipal operators (every district).</summary>
public static class Scopes
{
    public const string All = "*";

    public static bool Covers(string scope, string district) => scope == All || scope == district;
}
