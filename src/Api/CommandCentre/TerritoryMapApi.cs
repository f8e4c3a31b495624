using GridGov.Api.Infrastructure;
using System.Text.Json;
using GridGov.Api.Security;
using GridGov.Api.Territory;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.CommandCentre;

/// <summary>A GeoJSON FeatureCollection of grids; <c>nextCursor</c> (a foreign member) asks for the next page.</summary>
public sealed record TerritoryMapView(string Type, IReadOnlyList<MapFeatureView> Features, string? NextCursor);

/// <summary>A grid or micro-grid as a GeoJSON Feature; <c>geometry</c> is null when the node has no boundary.</summary>
public sealed record MapFeatureView(string Type, MapFeatureProperties Properties, JsonElement? Geometry);

public sealed record MapFeatureProperties(string Code, string Name, TerritoryLevel Level);

public static class TerritoryMapApi
{
    /// <summary>A district has about 400 grids and a few hundred micro-grids: one page draws most districts.</summary>
    public const int MaxFeatures = 1000;

    public static void MapTerritoryMap(this RouteGroupBuilder api)
    {
        api.MapGet("/territory/{code}/map", GetMap)
            .WithTags("Territory")
            .RequireAuthorization(Policies.TerritoryRead)
            .WithName("GetTerritoryMap")
            .WithSummary("The grids under a node, with their boundaries, as GeoJSON")
            .WithDescription($"A FeatureCollection of the comprehensive grids and micro-grids at or under the node, ordered by code; each feature's properties are code, name and level. Pages with cursor and limit (default and maximum {MaxFeatures}): nextCursor is set when more follow.")
            .ProducesValidationProblem();
    }

    public static async Task<Results<Ok<TerritoryMapView>, NotFoundProblem>> GetMap(
        string code, string? cursor, int? limit, HttpContext http, IClusterClient cluster)
    {
        TerritoryApi.RequireCode(code, http);
        var take = Paging.Limit(limit, MaxFeatures, MaxFeatures);

        if (cursor is not null && !(TerritoryCode.IsValid(cursor) && cursor.StartsWith(code, StringComparison.Ordinal)))
        {
            throw DomainException.Invalid("cursor", "The cursor is the nextCursor of a previous page.");
        }

        if (await cluster.GetGrain<ITerritoryMapGrain>(code).GetGridsAsync(cursor, take + 1) is not { } rows)
        {
            return TerritoryApi.NoSuchNode(code);
        }

        var features = rows.Take(take).Select(r => new MapFeatureView(
            "Feature",
            new MapFeatureProperties(r.Code, r.Name, TerritoryCode.LevelOf(r.Code)),
            r.Boundary is null ? null : Geometry(r.Boundary))).ToArray();
        return TypedResults.Ok(new TerritoryMapView("FeatureCollection", features, rows.Count > take ? rows[take - 1].Code : null));
    }

    private static JsonElement Geometry(string boundary)
    {
        using var document = JsonDocument.Parse(boundary);
        return document.RootElement.Clone();
    }
}
