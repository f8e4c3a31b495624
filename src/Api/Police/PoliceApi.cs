using GridGov.Api.Infrastructure;
using GridGov.Api.People;
using GridGov.Api.Security;
using GridGov.Contracts.Common;
using GridGov.Contracts.Police;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Police;

/// <summary>
/// Police areas (警务网格, docs/resources.md): each handler makes one grain call or one read-model query. Reading
/// takes the territory's read policy (staff), writing its write policy (administrators), indicators theirs.
/// </summary>
public static class PoliceApi
{
    /// <summary>The reference district has 1,704 police grids: one layer answers a district whole.</summary>
    public const int MaxLayerFeatures = 5000;

    public static void MapPolice(this RouteGroupBuilder api)
    {
        var areas = api.MapGroup("/districts/{district}/police-areas").WithTags("Police areas");
        areas.MapGet("/", ListAreas).RequireAuthorization(Policies.TerritoryRead)
            .WithName("ListPoliceAreas").WithSummary("The district's police areas, by code (cursor, limit ≤ 500)")
            .WithDescription("Each area with its station, officer (masked phone) and linked grids, without its boundary (the map layer has the boundaries).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        areas.MapPost("/import", PoliceImport.ImportAsync).RequireAuthorization(Policies.TerritoryWrite)
            .WithMetadata(new Microsoft.AspNetCore.Http.Timeouts.DisableRequestTimeoutAttribute())
            .WithName("ImportPoliceAreas").WithSummary("Import police areas as a GeoJSON FeatureCollection")
            .WithDescription("Each feature: properties code, name, station, officerName, officerPhone and a Polygon or MultiPolygon geometry. Every feature is judged on its own: a refused one is listed with its index, code, the field at fault and why. Idempotent.")
            .Accepts<PoliceFeatureCollectionRequest>("application/json", "application/geo+json")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        areas.MapPut("/{code}", PutArea).RequireAuthorization(Policies.TerritoryWrite)
            .WithName("PutPoliceArea").WithSummary("Create or replace a police area")
            .WithDescription("The grids it overlaps are computed from the boundaries; the operators' overrides stay. If-Match refuses a lost update (412); If-None-Match: * creates only (409).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        areas.MapGet("/{code}", GetArea).RequireAuthorization(Policies.TerritoryRead)
            .WithName("GetPoliceArea").WithSummary("Read a police area; the ETag carries its version")
            .WithDescription("The area with its boundary (GeoJSON), officer (name, masked phone) and linked grids.")
            .ProducesValidationProblem();
        areas.MapDelete("/{code}", DeleteArea).RequireAuthorization(Policies.TerritoryWrite)
            .WithName("DeletePoliceArea").WithSummary("Delete a police area")
            .WithDescription("Honours If-Match. Cases already co-assigned keep the area they were given.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        areas.MapGet("/{code}/history", GetHistory).RequireAuthorization(Policies.TerritoryRead)
            .WithName("GetPoliceAreaHistory").WithSummary("Every change of a police area and its grid link, oldest first")
            .WithDescription("Each change: version, type (created, updated, grids-recomputed, grid-added, grid-removed, override-cleared), time, actor, reason, and the grids the link gained and lost.")
            .ProducesValidationProblem();
        areas.MapPost("/{code}/grids", OverrideGrid).RequireAuthorization(Policies.TerritoryWrite)
            .WithName("OverridePoliceAreaGrid").WithSummary("Add a grid to an area's link, remove one from it, or clear the override")
            .WithDescription("An override survives every recomputation from the boundaries until it is cleared. Honours If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        areas.MapGet("/{code}/indicators", GetIndicators).RequireAuthorization(Policies.IndicatorsRead)
            .WithName("GetPoliceAreaIndicators").WithSummary("The cases co-assigned to a police area: counts by status, open, overdue, closed on time")
            .WithDescription("From the case read model (a few seconds behind the cases). onTimeRate is closedOnTime / (closedOnTime + closedLate), null before any is closed.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/districts/{district}/layers/police-areas", GetLayer).WithTags("Police areas").RequireAuthorization(Policies.TerritoryRead)
            .WithName("GetPoliceAreasLayer").WithSummary("The police areas as a GeoJSON layer for the command centre's map")
            .WithDescription($"A FeatureCollection (application/geo+json) of at most {MaxLayerFeatures} areas; properties code, name, kind (police-area), station, officerName, officerPhone (masked) and gridCount.")
            .Produces<PoliceLayerView>(StatusCodes.Status200OK, "application/geo+json")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Ok<PoliceAreaListView>> ListAreas(
        string district, string? cursor, int? limit, HttpContext http, IPoliceAreaStore store, CancellationToken cancellationToken)
    {
        RequireDistrict(district, http);
        var take = Paging.Limit(limit);
        if (cursor is not null && !PoliceAreaCode.IsValid(cursor))
        {
            throw DomainException.Invalid("cursor", "The cursor is the nextCursor of a previous page.");
        }

        var rows = await store.ListAsync(district, cursor, take + 1, cancellationToken);
        return TypedResults.Ok(new PoliceAreaListView(
            rows.Take(take).Select(a => PoliceAreaView.From(a, withBoundary: false)).ToArray(),
            rows.Count > take ? rows[take - 1].Code : null));
    }

    public static async Task<Results<Created<PoliceAreaView>, Ok<PoliceAreaView>>> PutArea(
        string district, string code, PoliceAreaRequest request, HttpContext http, IClusterClient cluster, AuthSettings auth)
    {
        RequireArea(district, code, http);
        var update = new PoliceAreaUpsert(
            request.Name, request.Station, Officer(request.Officer?.Name, request.Officer?.Phone, auth, "officer.phone"),
            request.Boundary is { ValueKind: not System.Text.Json.JsonValueKind.Null } b ? b.GetRawText() : null,
            http.Caller().Actor);
        var result = await Grain(cluster, district, code).PutAsync(update, ETags.ExpectedVersion(http.Request), ETags.CreateOnly(http.Request));
        ETags.Set(http.Response, result.Area.Version);
        var view = PoliceAreaView.From(result.Area);
        return result.Outcome == PoliceAreaOutcome.Created
            ? TypedResults.Created($"/api/v1/districts/{district}/police-areas/{code}", view)
            : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<PoliceAreaView>, NotFoundProblem>> GetArea(string district, string code, HttpContext http, IClusterClient cluster)
    {
        RequireArea(district, code, http);
        if (await Grain(cluster, district, code).GetAsync() is not { } area)
        {
            return NoSuchArea(district, code);
        }

        ETags.Set(http.Response, area.Version);
        return TypedResults.Ok(PoliceAreaView.From(area));
    }

    public static async Task<NoContent> DeleteArea(string district, string code, HttpContext http, IClusterClient cluster)
    {
        RequireArea(district, code, http);
        await Grain(cluster, district, code).DeleteAsync(ETags.ExpectedVersion(http.Request), http.Caller().Actor);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<PoliceAreaHistoryView>, NotFoundProblem>> GetHistory(string district, string code, HttpContext http, IClusterClient cluster)
    {
        RequireArea(district, code, http);
        if (await Grain(cluster, district, code).GetHistoryAsync() is not { } changes)
        {
            return NoSuchArea(district, code);
        }

        return TypedResults.Ok(new PoliceAreaHistoryView(district, code, changes
            .Select(c => new PoliceAreaChangeView(c.Version, c.Type, c.At, c.Actor, c.Reason, c.GridsAdded, c.GridsRemoved)).ToArray()));
    }

    public static async Task<Ok<PoliceAreaView>> OverrideGrid(
        string district, string code, GridOverrideRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireArea(district, code, http);
        var area = await Grain(cluster, district, code)
            .OverrideGridAsync(request.Grid.Trim(), request.Action, ETags.ExpectedVersion(http.Request), http.Caller().Actor);
        ETags.Set(http.Response, area.Version);
        return TypedResults.Ok(PoliceAreaView.From(area));
    }

    public static async Task<Ok<PoliceAreaIndicatorsView>> GetIndicators(
        string district, string code, HttpContext http, IPoliceAreaStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        RequireArea(district, code, http);
        var i = await store.IndicatorsAsync(district, code, time.GetUtcNow(), cancellationToken);
        var closed = i.ClosedOnTime + i.ClosedLate;
        return TypedResults.Ok(new PoliceAreaIndicatorsView(
            i.District, i.Code, i.ByState, i.Total, i.Open, i.Overdue, i.ClosedOnTime, i.ClosedLate,
            closed == 0 ? null : Math.Round((double)i.ClosedOnTime / closed, 4)));
    }

    public static async Task<JsonHttpResult<PoliceLayerView>> GetLayer(
        string district, HttpContext http, IPoliceAreaStore store, CancellationToken cancellationToken)
    {
        RequireDistrict(district, http);
        var rows = await store.ListAsync(district, null, MaxLayerFeatures, cancellationToken);
        var features = rows.Select(a => new PoliceLayerFeature(
            "Feature",
            new PoliceLayerProperties(a.Code, a.Name, "police-area", a.Station, a.Officer?.Name, a.Officer?.PhoneMasked, a.Grids.Count),
            a.Boundary is null ? null : PoliceAreaView.Geometry(a.Boundary))).ToArray();
        return TypedResults.Json(new PoliceLayerView("FeatureCollection", features), contentType: "application/geo+json");
    }

    /// <summary>The officer as stored: the name, and the phone as a keyed hash and a mask (as households keep phones).</summary>
    internal static PoliceOfficer? Officer(string? name, string? phone, AuthSettings auth, string phoneField)
    {
        if (name is null)
        {
            return phone is null ? null : throw DomainException.Invalid(phoneField, "An officer's phone needs the officer's name.");
        }

        var (hash, masked) = phone is null ? default : PersonalNumbers.Phone(auth.PersonalDataKey(), phone, phoneField);
        return new PoliceOfficer(name, masked, hash);
    }

    internal static void RequireDistrict(string district, HttpContext http)
    {
        if (!TerritoryCode.IsValid(district) || TerritoryCode.LevelOf(district) != TerritoryLevel.District)
        {
            throw DomainException.Invalid("district", "district is a 6-digit district code.");
        }

        http.RequireDistrict(district, $"District {district}");
    }

    private static void RequireArea(string district, string code, HttpContext http)
    {
        RequireDistrict(district, http);
        if (!PoliceAreaCode.IsValid(code))
        {
            throw DomainException.Invalid("code", $"A police area code is {PoliceAreaCode.FormatDescription}.");
        }
    }

    private static IPoliceAreaGrain Grain(IClusterClient cluster, string district, string code) =>
        cluster.GetGrain<IPoliceAreaGrain>(PoliceAreaCode.Key(district, code));

    private static NotFoundProblem NoSuchArea(string district, string code) => new($"Police area {code} of district {district} does not exist.");
}
