using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using GridGov.Contracts.Police;

namespace GridGov.Api.Police;

/// <summary>A police area as it is written. The officer's phone is hashed and masked before it is stored; the full number never is.</summary>
public sealed record PoliceAreaRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    [property: Required, StringLength(100, MinimumLength = 1)] string Station,
    PoliceOfficerRequest? Officer = null,
    JsonElement? Boundary = null);

public sealed record PoliceOfficerRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    [property: StringLength(20)] string? Phone = null);

public sealed record PoliceOfficerView(string Name, string? MaskedPhone);

/// <summary>
/// A police area: <c>grids</c> are the comprehensive grids it is linked to — <c>computedGrids</c> (overlapped by its
/// boundary) plus <c>addedGrids</c> minus <c>removedGrids</c> (operators' overrides, kept through recomputation).
/// </summary>
public sealed record PoliceAreaView(
    string District,
    string Code,
    string Name,
    string Station,
    PoliceOfficerView? Officer,
    JsonElement? Boundary,
    IReadOnlyList<string> Grids,
    IReadOnlyList<string> ComputedGrids,
    IReadOnlyList<string> AddedGrids,
    IReadOnlyList<string> RemovedGrids,
    long Version,
    DateTimeOffset UpdatedAt)
{
    public static PoliceAreaView From(PoliceAreaSnapshot a, bool withBoundary = true) => new(
        a.District, a.Code, a.Name, a.Station, OfficerView(a.Officer),
        withBoundary && a.Boundary is not null ? Geometry(a.Boundary) : null,
        a.Grids, a.ComputedGrids, a.AddedGrids, a.RemovedGrids, a.Version, a.UpdatedAt);

    internal static PoliceOfficerView? OfficerView(PoliceOfficer? o) => o is null ? null : new(o.Name, o.PhoneMasked);

    internal static JsonElement Geometry(string boundary)
    {
        using var document = JsonDocument.Parse(boundary);
        return document.RootElement.Clone();
    }
}

/// <summary>A page of a district's police areas (without boundaries: the map layer has them); <c>nextCursor</c> asks for the next.</summary>
public sealed record PoliceAreaListView(IReadOnlyList<PoliceAreaView> Items, string? NextCursor);

/// <summary>An operator's override of one grid's link: <c>add</c>, <c>remove</c> or <c>clear</c>.</summary>
public sealed record GridOverrideRequest(
    [property: Required, StringLength(15, MinimumLength = 15)] string Grid,
    [property: System.Text.Json.Serialization.JsonRequired] GridOverrideKind Action);

public sealed record PoliceAreaChangeView(
    long Version, string Type, DateTimeOffset At, string Actor, string Reason, IReadOnlyList<string> GridsAdded, IReadOnlyList<string> GridsRemoved);

public sealed record PoliceAreaHistoryView(string District, string Code, IReadOnlyList<PoliceAreaChangeView> Changes);

public sealed record PoliceAreaIndicatorsView(
    string District,
    string Code,
    IReadOnlyDictionary<string, long> ByState,
    long Total,
    long Open,
    long Overdue,
    long ClosedOnTime,
    long ClosedLate,
    double? OnTimeRate);

/// <summary>A feature of an import that was refused: its place in the file, its code, the field at fault and why.</summary>
public sealed record RejectedPoliceArea(int Index, string? Code, string? Field, string Reason);

public sealed record ImportedPoliceArea(int Index, string Code);

public sealed record PoliceAreaImportResult(
    IReadOnlyList<ImportedPoliceArea> Created,
    IReadOnlyList<ImportedPoliceArea> Updated,
    IReadOnlyList<ImportedPoliceArea> Unchanged,
    IReadOnlyList<RejectedPoliceArea> Rejected);

/// <summary>The police areas as a GeoJSON FeatureCollection for the command centre's map.</summary>
public sealed record PoliceLayerView(string Type, IReadOnlyList<PoliceLayerFeature> Features);

public sealed record PoliceLayerFeature(string Type, PoliceLayerProperties Properties, JsonElement? Geometry);

/// <summary>What a tooltip shows: the area, its station, officer (masked phone) and how many grids it links.</summary>
public sealed record PoliceLayerProperties(
    string Code, string Name, string Kind, string Station, string? OfficerName, string? OfficerPhone, int GridCount);
