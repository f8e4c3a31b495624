using GridGov.Api.Infrastructure;
using GridGov.Api.Security;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Territory;

public static class TerritoryApi
{
    public static void MapTerritory(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/territory").WithTags("Territory");

        group.MapPut("/{code}", PutTerritory)
            .WithName("PutTerritory")
            .WithSummary("Create or update a territory node")
            .RequireAuthorization(Policies.TerritoryWrite)
            .WithDescription("Creates the node when it does not exist (its parent must), else updates it. Send If-Match with the version you read to refuse a lost update (412), or If-None-Match: * to create only (409 when it exists).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapGet("/{code}", GetTerritory)
            .RequireAuthorization(Policies.TerritoryRead)
            .WithName("GetTerritory")
            .WithSummary("Read a territory node")
            .WithDescription("Returns the node with its boundary (GeoJSON), staff (masked phones) and version; the ETag header carries the version to send back in If-Match.")
            .ProducesValidationProblem();

        group.MapGet("/{code}/children", GetChildren)
            .RequireAuthorization(Policies.TerritoryRead)
            .WithName("GetTerritoryChildren")
            .WithSummary("List a node's children")
            .WithDescription("Lists the direct children of a node (code, name and level), ordered by code.")
            .ProducesValidationProblem();

        group.MapPost("/import", TerritoryImport.ImportAsync)
            .WithMetadata(new Microsoft.AspNetCore.Http.Timeouts.DisableRequestTimeoutAttribute())
            .RequireAuthorization(Policies.TerritoryWrite)
            .WithName("ImportTerritory")
            .WithSummary("Import a district as a GeoJSON FeatureCollection")
            .WithDescription("Each feature carries properties code and name and a Polygon or MultiPolygon geometry, at any level and in any order. Idempotent: importing the same file again changes nothing.")
            .Accepts<FeatureCollectionRequest>("application/json", "application/geo+json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapRegrid();
    }

    public static void MapLocate(this RouteGroupBuilder api)
    {
        api.MapGet("/locate", Locate)
            .WithTags("Territory")
            .RequireAuthorization(Policies.Locate)
            .WithName("Locate")
            .WithSummary("Find the grid (and micro-grid) that holds a point")
            .WithDescription("found is true when a grid polygon contains the point (a point on a shared border goes to the grid with the lowest code). Otherwise fallback is the deepest node whose boundary contains it, if any.")
            .RequiresQuery("lat", "lon")
            .ProducesValidationProblem()
            // A read path: its parameters carry no validation attributes (the handler checks the point), so the
            // validation filter would only cost each request its allocations.
            .DisableValidation();
    }

    public static async Task<Results<Created<TerritoryView>, Ok<TerritoryView>>> PutTerritory(
        string code, TerritoryRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireCode(code, http);
        var staff = (request.Staff ?? []).Select((m, i) =>
        {
            if (m is null)
            {
                throw DomainException.Invalid($"staff[{i}]", "A staff member is an object with id, name and role.");
            }

            if (m.Phone is not null && !PhoneMasking.IsPlausible(m.Phone))
            {
                throw DomainException.Invalid($"staff[{i}].phone", "The phone must be 7 to 15 digits.");
            }

            return new StaffMember(m.Id, m.Name, m.Role, m.Phone is null ? null : PhoneMasking.Mask(m.Phone));
        }).ToArray();

        var update = new TerritoryUpsert(request.Name, BoundaryText(request.Boundary), staff);
        var result = await cluster.GetGrain<ITerritoryGrain>(code)
            .UpsertAsync(update, ETags.ExpectedVersion(http.Request), ETags.CreateOnly(http.Request));

        ETags.Set(http.Response, result.Territory.Version);
        var view = TerritoryView.From(result.Territory);
        return result.Outcome == UpsertOutcome.Created
            ? TypedResults.Created($"/api/v1/territory/{code}", view)
            : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<TerritoryView>, NotFoundProblem>> GetTerritory(string code, HttpContext http, IClusterClient cluster)
    {
        RequireCode(code, http);
        if (await cluster.GetGrain<ITerritoryGrain>(code).GetAsync() is not { } snapshot)
        {
            return NoSuchNode(code);
        }

        ETags.Set(http.Response, snapshot.Version);
        return TypedResults.Ok(TerritoryView.From(snapshot));
    }

    public static async Task<Results<Ok<TerritoryChildrenView>, NotFoundProblem>> GetChildren(string code, HttpContext http, IClusterClient cluster)
    {
        RequireCode(code, http);
        return await cluster.GetGrain<ITerritoryGrain>(code).GetChildrenAsync() is { } children
            ? TypedResults.Ok(new TerritoryChildrenView(code, children.Select(c => new TerritoryChildView(c.Code, c.Name, c.Level)).ToArray()))
            : NoSuchNode(code);
    }

    public static async Task<Ok<LocateView>> Locate(double? lat, double? lon, HttpContext http, IClusterClient cluster)
    {
        if (lat is not { } latitude || !double.IsFinite(latitude) || latitude is < -90 or > 90)
        {
            throw DomainException.Invalid("lat", "lat is required: a latitude from -90 to 90 (WGS-84).");
        }

        if (lon is not { } longitude || !double.IsFinite(longitude) || longitude is < -180 or > 180)
        {
            throw DomainException.Invalid("lon", "lon is required: a longitude from -180 to 180 (WGS-84).");
        }

        var result = await cluster.GetGrain<ILocatorGrain>(0).LocateAsync(latitude, longitude, http.Caller().DistrictFilter);
        var deepest = result.MicroGrid ?? result.Grid ?? result.Fallback;
        return TypedResults.Ok(new LocateView(
            result.Grid is not null,
            View(result.Grid),
            View(result.MicroGrid),
            deepest is null ? [] : TerritoryCode.AncestorsOf((result.Grid ?? deepest).Code),
            View(result.Fallback)));
    }

    /// <summary>The code must be well formed and in the caller's district (else, for this caller, it does not exist).</summary>
    internal static void RequireCode(string code, HttpContext http)
    {
        if (!TerritoryCode.IsValid(code))
        {
            throw DomainException.Invalid("code", $"'{code}' is not {TerritoryCode.FormatDescription}.");
        }

        http.RequireDistrict(DistrictCode.Of(code), $"Territory {code}");
    }

    internal static NotFoundProblem NoSuchNode(string code) => new($"Territory {code} does not exist.");

    /// <summary>As <see cref="RequireCode"/>, and the node must exist: its snapshot, or a 404.</summary>
    internal static async Task<TerritorySnapshot> RequireNodeAsync(string code, HttpContext http, IClusterClient cluster)
    {
        RequireCode(code, http);
        return await cluster.GetGrain<ITerritoryGrain>(code).GetAsync() ?? throw DomainException.NotFound($"Territory {code} does not exist.");
    }

    internal static string? BoundaryText(System.Text.Json.JsonElement? boundary) =>
        boundary is { ValueKind: not System.Text.Json.JsonValueKind.Null } b ? b.GetRawText() : null;

    private static LocatedNodeView? View(LocatedNode? node) => node is null ? null : new(node.Code, node.Name, node.Level);
}
