using System.Text.Json;
using GridGov.Api.Infrastructure;
using GridGov.Api.Security;
using GridGov.Api.Territory;
using GridGov.Contracts.Common;
using GridGov.Contracts.ServicePoints;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.ServicePoints;

/// <summary>The 15-minute service circle (15分钟社区综合服务圈): service points, what is near, coverage, the map layer.</summary>
public static class ServicePointsApi
{
    public const string GeoJson = "application/geo+json";

    /// <summary>A district has a few hundred service points: one page draws most.</summary>
    public const int MaxLayerFeatures = 2000;

    private static readonly Dictionary<string, ServicePointKind> KindNames =
        Enum.GetValues<ServicePointKind>().ToDictionary(k => JsonNamingPolicy.CamelCase.ConvertName(k.ToString()), StringComparer.Ordinal);

    public static void MapServicePoints(this RouteGroupBuilder api)
    {
        const string tag = "Service points";
        var points = api.MapGroup("/service-points").WithTags(tag);
        points.MapPut("/{id}", PutServicePoint).RequireAuthorization(Policies.TerritoryWrite)
            .WithName("PutServicePoint").WithSummary("Create or replace a service point")
            .WithDescription("The id is {district}-SP{code}. The location must lie in the district's territory; it is placed in its grid and micro-grid by locate. Honours If-Match (412 when stale); the ETag is the point's version, which a PUT that changes nothing keeps.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        points.MapGet("/near", Near).RequireAuthorization(Policies.Locate)
            .WithName("NearServicePoints").WithSummary("The service points within a walk of a point (15-minute service circle)")
            .WithDescription($"Straight-line (great-circle) distance at {Walking.MetresPerMinute} m a minute: minutes (default {Walking.DefaultMinutes}, 1 to {Walking.MaxMinutes}) reach minutes × {Walking.MetresPerMinute} m. Nearest first, each with its distance and minutes; kind keeps one kind. The district is the caller's, or the district parameter (required of operators).")
            .RequiresQuery("lat", "lon")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .DisableValidation();
        points.MapGet("/{id}", GetServicePoint).RequireAuthorization(Policies.TerritoryRead)
            .WithName("GetServicePoint").WithSummary("Read a service point")
            .WithDescription("The point with its grid and opening hours; the ETag header carries its version.")
            .ProducesValidationProblem();
        points.MapDelete("/{id}", DeleteServicePoint).RequireAuthorization(Policies.TerritoryWrite)
            .WithName("DeleteServicePoint").WithSummary("Delete a service point")
            .WithDescription("Honours If-Match (412 when stale). The point leaves the near answers, lists, coverage and the map at once.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);

        api.MapGet("/districts/{district}/service-points", ListServicePoints).RequireAuthorization(Policies.TerritoryRead)
            .WithTags(tag).WithName("ListServicePoints").WithSummary("The district's service points")
            .WithDescription($"Ordered by id, paged by cursor and limit (default {Paging.DefaultLimit}, at most {Paging.MaxLimit}); kind keeps one kind.")
            .ProducesValidationProblem();
        api.MapGet("/territory/{community}/service-coverage", GetCoverage).RequireAuthorization(Policies.TerritoryRead)
            .WithTags(tag).WithName("GetServiceCoverage").WithSummary("Which kinds of service point each household of a community misses within a walk")
            .WithDescription($"Households have no coordinates: each stands at the centroid of its micro-grid, or of its grid without one. kinds (comma-separated; default every kind) are the kinds a household must reach within minutes (default {Walking.DefaultMinutes}) for share; perKind gives each kind's share; gaps lists the households that miss something (at most {5000}).")
            .ProducesValidationProblem();
        api.MapGet("/districts/{district}/layers/service-points", GetLayer).RequireAuthorization(Policies.TerritoryRead)
            .WithTags(tag).WithName("GetServicePointLayer").WithSummary("The district's service points as a GeoJSON map layer")
            .WithDescription($"A FeatureCollection of Points; properties: code, name, kind, address, gridCode, hours. Ordered by code, paged by cursor and limit (default and maximum {MaxLayerFeatures}): nextCursor is set when more follow.")
            .Produces<ServicePointLayerView>(StatusCodes.Status200OK, GeoJson)
            .ProducesValidationProblem();
    }

    public static async Task<Results<Created<ServicePointView>, Ok<ServicePointView>>> PutServicePoint(
        string id, ServicePointRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireId(id, http);
        var result = await cluster.GetGrain<IServicePointGrain>(id).PutAsync(request.ToUpsert(), ETags.ExpectedVersion(http.Request));
        ETags.Set(http.Response, result.Point.Version);
        var view = ServicePointView.From(result.Point);
        return result.Created ? TypedResults.Created($"/api/v1/service-points/{id}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<ServicePointView>, NotFoundProblem>> GetServicePoint(string id, HttpContext http, IClusterClient cluster)
    {
        RequireId(id, http);
        if (await cluster.GetGrain<IServicePointGrain>(id).GetAsync() is not { } point)
        {
            return new NotFoundProblem($"Service point {id} does not exist.");
        }

        ETags.Set(http.Response, point.Version);
        return TypedResults.Ok(ServicePointView.From(point));
    }

    public static async Task<NoContent> DeleteServicePoint(string id, HttpContext http, IClusterClient cluster)
    {
        var expected = ETags.ExpectedVersion(http.Request);
        RequireId(id, http);
        await cluster.GetGrain<IServicePointGrain>(id).DeleteAsync(expected);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<ServicePointPageView>> ListServicePoints(
        string district, string? kind, string? cursor, int? limit, HttpContext http, IClusterClient cluster)
    {
        RequireDistrict(district, http, "district");
        var page = await cluster.GetGrain<IServicePointDirectoryGrain>(district).ListAsync(Kind(kind), Cursor(cursor, district), Paging.Limit(limit));
        return TypedResults.Ok(new ServicePointPageView(page.Items.Select(ServicePointView.From).ToArray(), page.Next));
    }

    public static async Task<Ok<NearServicePointsView>> Near(
        double? lat, double? lon, int? minutes, string? kind, string? district, HttpContext http, IClusterClient cluster)
    {
        if (lat is not { } latitude || !double.IsFinite(latitude) || latitude is < -90 or > 90)
        {
            throw DomainException.Invalid("lat", "lat is required: a latitude from -90 to 90 (WGS-84).");
        }

        if (lon is not { } longitude || !double.IsFinite(longitude) || longitude is < -180 or > 180)
        {
            throw DomainException.Invalid("lon", "lon is required: a longitude from -180 to 180 (WGS-84).");
        }

        var walk = Minutes(minutes);
        var filter = Kind(kind);
        var where = district ?? http.Caller().DistrictFilter
            ?? throw DomainException.Invalid("district", "A caller of every district names the district (6 digits).");
        RequireDistrict(where, http, "district");
        var near = await cluster.GetGrain<IServicePointDirectoryGrain>(where).NearAsync(latitude, longitude, walk, filter);
        return TypedResults.Ok(new NearServicePointsView(
            where, latitude, longitude, walk, Walking.MetresPerMinute, walk * Walking.MetresPerMinute,
            near.Select(n => new NearServicePointView(
                n.Point.Id, n.Point.Kind, n.Point.Name, n.Point.Lat, n.Point.Lon, n.Point.Address, n.Point.GridCode,
                OpeningHoursView.From(n.Point.Hours), n.DistanceMetres, n.Minutes)).ToArray()));
    }

    public static async Task<Results<Ok<ServiceCoverageView>, NotFoundProblem>> GetCoverage(
        string community, int? minutes, string? kinds, HttpContext http, IClusterClient cluster)
    {
        if (!TerritoryCode.IsValid(community) || TerritoryCode.LevelOf(community) != TerritoryLevel.Community)
        {
            throw DomainException.Invalid("community", $"'{community}' is not a community's code (12 digits).");
        }

        http.RequireDistrict(DistrictCode.Of(community), $"Territory {community}");
        var wanted = (kinds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(k => KindNames.TryGetValue(k, out var known)
                ? known
                : throw DomainException.Invalid("kinds", $"'{k}' is not a kind of service point; kinds are {string.Join(", ", KindNames.Keys)}."))
            .ToArray();
        return await cluster.GetGrain<IServiceCoverageGrain>(community).GetAsync(wanted, Minutes(minutes)) is { } coverage
            ? TypedResults.Ok(ServiceCoverageView.From(coverage))
            : TerritoryApi.NoSuchNode(community);
    }

    public static async Task<JsonHttpResult<ServicePointLayerView>> GetLayer(
        string district, string? cursor, int? limit, HttpContext http, IClusterClient cluster)
    {
        RequireDistrict(district, http, "district");
        var page = await cluster.GetGrain<IServicePointDirectoryGrain>(district)
            .ListAsync(null, Cursor(cursor, district), Paging.Limit(limit, MaxLayerFeatures, MaxLayerFeatures));
        var features = page.Items.Select(p => new ServicePointFeatureView(
            "Feature", p.Id, new PointGeometryView("Point", [p.Lon, p.Lat]),
            new ServicePointFeatureProperties(p.Id, p.Name, p.Kind, p.Address, p.GridCode, OpeningHoursView.From(p.Hours)))).ToArray();
        return TypedResults.Json(new ServicePointLayerView("FeatureCollection", features, page.Next), (JsonSerializerOptions?)null, GeoJson);
    }

    private static void RequireId(string id, HttpContext http)
    {
        if (!ServicePointIds.IsValid(id))
        {
            throw DomainException.Invalid("id", $"'{id}' is not a service point id: {ServicePointIds.Format}.");
        }

        http.RequireDistrict(DistrictCode.Of(id), $"Service point {id}");
    }

    private static void RequireDistrict(string district, HttpContext http, string field)
    {
        if (!TerritoryCode.IsValid(district) || TerritoryCode.LevelOf(district) != TerritoryLevel.District)
        {
            throw DomainException.Invalid(field, $"'{district}' is not a district code (6 digits).");
        }

        http.RequireDistrict(district, $"District {district}");
    }

    private static int Minutes(int? minutes) => minutes switch
    {
        null => Walking.DefaultMinutes,
        >= 1 and <= Walking.MaxMinutes => minutes.Value,
        _ => throw DomainException.Invalid("minutes", $"minutes is from 1 to {Walking.MaxMinutes}."),
    };

    private static ServicePointKind? Kind(string? kind) =>
        kind is null ? null
        : KindNames.TryGetValue(kind, out var known) ? known
        : throw DomainException.Invalid("kind", $"'{kind}' is not a kind of service point; kinds are {string.Join(", ", KindNames.Keys)}.");

    private static string? Cursor(string? cursor, string district) =>
        cursor is null || (ServicePointIds.IsValid(cursor) && DistrictCode.Of(cursor) == district)
            ? cursor
            : throw DomainException.Invalid("cursor", "The cursor is the nextCursor of a previous page.");
}
