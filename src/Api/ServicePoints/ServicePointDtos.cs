using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Serialization;
using GridGov.Contracts.Common;
using GridGov.Contracts.ServicePoints;

namespace GridGov.Api.ServicePoints;

/// <summary>One opening interval: a weekday, and opens/closes as HH:mm (closes after opens, 24:00 at the latest).</summary>
public sealed record OpeningHoursRequest(
    [property: JsonRequired] DayOfWeek Day,
    [property: Required, RegularExpression(OpeningHoursRequest.Time)] string Opens,
    [property: Required, RegularExpression(OpeningHoursRequest.Time)] string Closes)
{
    internal const string Time = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$";
}

/// <summary>
/// A service point: kind, name, location (WGS-84), an optional address, and its weekly opening hours (empty or absent:
/// not known). Hours are intervals per weekday; a point open round the clock has 00:00–24:00 each day.
/// </summary>
public sealed record ServicePointRequest(
    [property: JsonRequired] ServicePointKind Kind,
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    [property: JsonRequired, Range(-90, 90)] double Lat,
    [property: JsonRequired, Range(-180, 180)] double Lon,
    [property: StringLength(200)] string? Address = null,
    IReadOnlyList<OpeningHoursRequest>? Hours = null)
{
    internal ServicePointUpsert ToUpsert() => new(
        Kind, Name, Lat, Lon, Address,
        (Hours ?? []).Select((h, i) => h is null
            ? throw DomainException.Invalid($"hours[{i}]", "An interval is an object with day, opens and closes.")
            : new OpeningInterval(h.Day, Minutes(h.Opens), Minutes(h.Closes))).ToArray());

    private static int Minutes(string time) =>
        int.Parse(time.AsSpan(0, 2), CultureInfo.InvariantCulture) * 60 + int.Parse(time.AsSpan(3, 2), CultureInfo.InvariantCulture);
}

public sealed record OpeningHoursView(DayOfWeek Day, string Opens, string Closes)
{
    public static IReadOnlyList<OpeningHoursView> From(IReadOnlyList<OpeningInterval> hours) =>
        hours.Select(h => new OpeningHoursView(h.Day, Time(h.Opens), Time(h.Closes))).ToArray();

    private static string Time(int minutes) => string.Create(CultureInfo.InvariantCulture, $"{minutes / 60:00}:{minutes % 60:00}");
}

/// <summary>A service point; gridCode and microGridCode hold its location (by locate when it was last written).</summary>
public sealed record ServicePointView(
    string Id, ServicePointKind Kind, string Name, double Lat, double Lon, string? Address, IReadOnlyList<OpeningHoursView> Hours,
    string? GridCode, string? MicroGridCode, long Version, DateTimeOffset UpdatedAt)
{
    public static ServicePointView From(ServicePointSnapshot p) =>
        new(p.Id, p.Kind, p.Name, p.Lat, p.Lon, p.Address, OpeningHoursView.From(p.Hours), p.GridCode, p.MicroGridCode, p.Version, p.UpdatedAt);
}

public sealed record ServicePointPageView(IReadOnlyList<ServicePointView> Items, string? NextCursor);

/// <summary>A point within reach: straight-line distance in metres and the walking minutes at metresPerMinute.</summary>
public sealed record NearServicePointView(
    string Id, ServicePointKind Kind, string Name, double Lat, double Lon, string? Address, string? GridCode,
    IReadOnlyList<OpeningHoursView> Hours, double DistanceMetres, double Minutes);

/// <summary>What lies within the walk, nearest first; radiusMetres = minutes × metresPerMinute, in a straight line.</summary>
public sealed record NearServicePointsView(
    string District, double Lat, double Lon, int Minutes, double MetresPerMinute, double RadiusMetres, IReadOnlyList<NearServicePointView> Items);

public sealed record KindCoverageView(ServicePointKind Kind, int Households, double Share);

/// <summary>A household missing a kind within the walk; placedBy says which centroid stood for it.</summary>
public sealed record HouseholdGapView(string HouseholdId, string GridCode, string? MicroGridCode, HouseholdPlacement PlacedBy, IReadOnlyList<ServicePointKind> Missing);

/// <summary>
/// A community's service circle: of the households placed (at their micro-grid's or grid's centroid), covered reach
/// every kind asked for within the minutes, share = covered / households; perKind likewise; gaps lists the households
/// that miss something; unplaced counts households whose grid has no boundary (left out of the figures).
/// </summary>
public sealed record ServiceCoverageView(
    string Community, int Minutes, double MetresPerMinute, IReadOnlyList<ServicePointKind> Kinds, int Households, int Covered, double Share,
    IReadOnlyList<KindCoverageView> PerKind, IReadOnlyList<HouseholdGapView> Gaps, int Unplaced)
{
    public static ServiceCoverageView From(ServiceCoverage c) => new(
        c.Community, c.Minutes, Walking.MetresPerMinute, c.Kinds, c.Households, c.Covered, c.Share,
        c.PerKind.Select(k => new KindCoverageView(k.Kind, k.Households, k.Share)).ToArray(),
        c.Gaps.Select(g => new HouseholdGapView(g.HouseholdId, g.GridCode, g.MicroGridCode, g.PlacedBy, g.Missing)).ToArray(),
        c.Unplaced);
}

/// <summary>A GeoJSON FeatureCollection of service points; nextCursor (a foreign member) asks for the next page.</summary>
public sealed record ServicePointLayerView(string Type, IReadOnlyList<ServicePointFeatureView> Features, string? NextCursor);

public sealed record ServicePointFeatureView(string Type, string Id, PointGeometryView Geometry, ServicePointFeatureProperties Properties);

/// <summary>A GeoJSON Point: coordinates are [longitude, latitude].</summary>
public sealed record PointGeometryView(string Type, IReadOnlyList<double> Coordinates);

/// <summary>What a map tooltip shows: code (the point's id), name, kind, address, grid and opening hours.</summary>
public sealed record ServicePointFeatureProperties(
    string Code, string Name, ServicePointKind Kind, string? Address, string? GridCode, IReadOnlyList<OpeningHoursView> Hours);
