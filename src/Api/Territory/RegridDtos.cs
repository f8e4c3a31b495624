using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using GridGov.Contracts.Territory;

namespace GridGov.Api.Territory;

/// <summary>The node that takes over a retired node's open cases and households: same level, same district, not retired.</summary>
public sealed record RetireRequest([property: StringLength(17)] string? Successor = null);

public sealed record RetirementView(
    string Code,
    string? Successor,
    RetirementPhase Phase,
    int CasesMoved,
    int HouseholdsMoved,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string Actor)
{
    public static RetirementView From(RetirementStatus s) =>
        new(s.Code, s.Successor, s.Phase, s.CasesMoved, s.HouseholdsMoved, s.StartedAt, s.FinishedAt, s.Actor);
}

/// <summary>A boundary and when it was in force: validFrom null when set before boundaries were dated, validTo null for the present one.</summary>
public sealed record BoundaryPeriodView(JsonElement? Boundary, DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo);

public sealed record TerritoryHistoryView(string Code, IReadOnlyList<BoundaryPeriodView> Boundaries, bool Retired, DateTimeOffset? RetiredAt, string? Successor)
{
    public static TerritoryHistoryView From(TerritoryHistory h) => new(
        h.Code,
        h.Boundaries.Select(b => new BoundaryPeriodView(
            b.Boundary is null ? null : JsonDocument.Parse(b.Boundary).RootElement.Clone(), b.ValidFrom, b.ValidTo)).ToArray(),
        h.RetiredAt is not null,
        h.RetiredAt,
        h.Successor);
}

public sealed record PartyGridSummaryView(string Id, string Name, int GridCount, long Version);

public sealed record PartyGridPage(IReadOnlyList<PartyGridSummaryView> Items, string? NextCursor);

public sealed record PartyGridChangeView(DateTimeOffset At, string Actor, string What, IReadOnlyList<string> GridCodes, IReadOnlyList<string> Added, IReadOnlyList<string> Removed);

public sealed record PartyGridHistoryView(string Id, IReadOnlyList<PartyGridChangeView> Items);
