using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using GridGov.Contracts.Territory;

namespace GridGov.Api.Territory;

/// <summary>A territory node as it is written: its name, an optional boundary and its staff.</summary>
public sealed record TerritoryRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    JsonElement? Boundary = null,
    IReadOnlyList<StaffRequest>? Staff = null);

/// <summary>A person responsible for a node. The phone is masked before it is stored; the full number is never kept.</summary>
public sealed record StaffRequest(
    [property: Required, StringLength(64, MinimumLength = 1)] string Id,
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    [property: JsonRequired] StaffRole Role,
    [property: StringLength(20)] string? Phone = null);

public sealed record StaffView(string Id, string Name, StaffRole Role, string? MaskedPhone);

public sealed record TerritoryView(
    string Code,
    string Name,
    TerritoryLevel Level,
    string? ParentCode,
    JsonElement? Boundary,
    IReadOnlyList<StaffView> Staff,
    string? PartyGridId,
    long Version,
    bool Retired,
    DateTimeOffset? RetiredAt,
    string? Successor)
{
    public static TerritoryView From(TerritorySnapshot s) => new(
        s.Code,
        s.Name,
        s.Level,
        s.ParentCode,
        s.Boundary is null ? null : JsonDocument.Parse(s.Boundary).RootElement.Clone(),
        s.Staff.Select(m => new StaffView(m.Id, m.Name, m.Role, m.MaskedPhone)).ToArray(),
        s.PartyGridId,
        s.Version,
        s.Retired,
        s.RetiredAt,
        s.Successor);
}

public sealed record TerritoryChildView(string Code, string Name, TerritoryLevel Level);

public sealed record TerritoryChildrenView(string Code, IReadOnlyList<TerritoryChildView> Items);

/// <summary>
/// A GeoJSON FeatureCollection; each feature has properties <c>code</c> and <c>name</c> and a Polygon or MultiPolygon.
/// Other members (GeoJSON's foreign members, other properties) are allowed and ignored.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record FeatureCollectionRequest(string Type, IReadOnlyList<FeatureRequest> Features);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record FeatureRequest(string Type, FeaturePropertiesRequest Properties, JsonElement Geometry);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record FeaturePropertiesRequest(string Code, string Name);

public sealed record ImportedFeature(int Index, string Code);

public sealed record RejectedFeature(int Index, string? Code, string Reason);

public sealed record TerritoryImportResult(
    IReadOnlyList<ImportedFeature> Created,
    IReadOnlyList<ImportedFeature> Updated,
    IReadOnlyList<ImportedFeature> Unchanged,
    IReadOnlyList<RejectedFeature> Rejected);

public sealed record PartyGridRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    [property: Required] IReadOnlyList<string> GridCodes);

public sealed record PartyGridView(string Id, string Name, IReadOnlyList<string> GridCodes, long Version)
{
    public static PartyGridView From(PartyGridSnapshot s) => new(s.Id, s.Name, s.GridCodes, s.Version);
}

public sealed record LocatedNodeView(string Code, string Name, TerritoryLevel Level);

public sealed record LocateView(
    bool Found,
    LocatedNodeView? Grid,
    LocatedNodeView? MicroGrid,
    IReadOnlyList<string> Ancestors,
    LocatedNodeView? Fallback);
