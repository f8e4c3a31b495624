using GridGov.Contracts.Territory;

namespace GridGov.Contracts.Police;

/// <summary>
/// A police area's code (its own, as the police station numbers it: 1 to 20 letters, digits or '-') and the key of its
/// grain, <c>{district}-PA{code}</c>, which carries the district in front like every tenant key.
/// </summary>
public static class PoliceAreaCode
{
    public const string FormatDescription = "1 to 20 letters, digits or '-'";

    public static bool IsValid(string? code) =>
        code is { Length: >= 1 and <= 20 } && code.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    public static string Key(string district, string code) => $"{district}-PA{code}";

    public static bool IsValidKey(string key) =>
        key.Length > DistrictCode.Length + 3 && TerritoryCode.IsValid(key[..DistrictCode.Length])
        && key.AsSpan(DistrictCode.Length, 3).SequenceEqual("-PA") && IsValid(OfKey(key));

    /// <summary>The area's own code from its grain key.</summary>
    public static string OfKey(string key) => key[(DistrictCode.Length + 3)..];
}

/// <summary>The community police officer (社区民警) of an area: the name, and the phone as a keyed hash and a mask only.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.police-officer")]
public sealed record PoliceOfficer(
    [property: Id(0)] string Name,
    [property: Id(1)] string? PhoneMasked,
    [property: Id(2)] string? PhoneHash);

/// <summary>What a caller asks a police area to become. <c>Boundary</c> is GeoJSON geometry text (Polygon or MultiPolygon).</summary>
[GenerateSerializer, Immutable, Alias("gridgov.police-area-upsert")]
public sealed record PoliceAreaUpsert(
    [property: Id(0)] string Name,
    [property: Id(1)] string Station,
    [property: Id(2)] PoliceOfficer? Officer,
    [property: Id(3)] string? Boundary,
    [property: Id(4)] string Actor);

/// <summary>
/// A police area as it stands. <c>Grids</c> are the comprehensive grids it is linked to: those its boundary overlaps
/// (<c>ComputedGrids</c>), plus the operators' additions, minus their removals.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.police-area-snapshot")]
public sealed record PoliceAreaSnapshot(
    [property: Id(0)] string District,
    [property: Id(1)] string Code,
    [property: Id(2)] string Name,
    [property: Id(3)] string Station,
    [property: Id(4)] PoliceOfficer? Officer,
    [property: Id(5)] string? Boundary,
    [property: Id(6)] IReadOnlyList<string> Grids,
    [property: Id(7)] IReadOnlyList<string> ComputedGrids,
    [property: Id(8)] IReadOnlyList<string> AddedGrids,
    [property: Id(9)] IReadOnlyList<string> RemovedGrids,
    [property: Id(10)] long Version,
    [property: Id(11)] DateTimeOffset UpdatedAt);

public enum PoliceAreaOutcome
{
    Created,
    Updated,
    Unchanged,
}

[GenerateSerializer, Immutable, Alias("gridgov.police-area-upsert-result")]
public sealed record PoliceAreaUpsertResult(
    [property: Id(0)] PoliceAreaOutcome Outcome,
    [property: Id(1)] PoliceAreaSnapshot Area);

/// <summary>
/// One change of an area, in order: what happened (<c>created</c>, <c>updated</c>, <c>grids-recomputed</c>,
/// <c>grid-added</c>, <c>grid-removed</c>, <c>override-cleared</c>), why, and the grids the link gained and lost.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.police-area-change")]
public sealed record PoliceAreaChange(
    [property: Id(0)] long Version,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string Actor,
    [property: Id(4)] string Reason,
    [property: Id(5)] IReadOnlyList<string> GridsAdded,
    [property: Id(6)] IReadOnlyList<string> GridsRemoved);

/// <summary>An operator's change to an area's grid link: add a grid the boundaries do not link, remove one they do, or clear either.</summary>
public enum GridOverrideKind
{
    Add,
    Remove,
    Clear,
}

/// <summary>The area a case is co-assigned to, with its officer as the case shows them (no phone hash).</summary>
[GenerateSerializer, Immutable, Alias("gridgov.police-area-ref")]
public sealed record PoliceAreaRef(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] string? OfficerName,
    [property: Id(3)] string? OfficerPhoneMasked);

/// <summary>A grid whose boundary changed: <c>Envelope</c> (min lon, min lat, max lon, max lat) covers its old and new boundary.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.police-grid-change")]
public sealed record GridBoundaryChange(
    [property: Id(0)] string GridCode,
    [property: Id(1)] bool HadBoundary,
    [property: Id(2)] bool HasBoundary,
    [property: Id(3)] double[]? Envelope);

/// <summary>An area's cases by status from the read model: counts per state, open, overdue, and closed on time or late.</summary>
public sealed record PoliceAreaIndicators(
    string District,
    string Code,
    IReadOnlyDictionary<string, long> ByState,
    long Total,
    long Open,
    long Overdue,
    long ClosedOnTime,
    long ClosedLate);

/// <summary>One feature of an import, as the API parsed it: its place in the file, the area's code and what it becomes.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.police-area-import-item")]
public sealed record PoliceAreaImportItem(
    [property: Id(0)] int Index,
    [property: Id(1)] string Code,
    [property: Id(2)] PoliceAreaUpsert Area);

/// <summary>What became of an imported feature: its outcome, or the field and reason it was refused for.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.police-area-import-outcome")]
public sealed record PoliceAreaImportOutcome(
    [property: Id(0)] int Index,
    [property: Id(1)] string Code,
    [property: Id(2)] PoliceAreaOutcome? Outcome,
    [property: Id(3)] string? Field,
    [property: Id(4)] string? Refusal);
