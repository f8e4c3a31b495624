using GridGov.Api.Infrastructure;
using GridGov.Api.Security;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Territory;

/// <summary>Re-gridding (deleting and retiring nodes, boundary history) and the Party-building grids' list, deletion and history (docs/territory.md).</summary>
public static class RegridApi
{
    public static void MapRegrid(this RouteGroupBuilder territory)
    {
        territory.MapDelete("/{code}", DeleteTerritory)
            .RequireAuthorization(Policies.TerritoryWrite)
            .WithName("DeleteTerritory")
            .WithSummary("Delete an empty territory node")
            .WithDescription("Deletes a node that has no children, no open cases, no households and no Party-building grid (409 naming what is left otherwise; retire a node that has them). A retired node is kept (409). Honours If-Match (412 when stale).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        territory.MapPost("/{code}/retire", Retire)
            .RequireAuthorization(Policies.TerritoryWrite)
            .WithName("RetireTerritory")
            .WithSummary("Retire a node and move its open cases and households")
            .WithDescription("Marks the node retired at once (locate no longer answers it; the node stays readable with retired, retiredAt and successor), then moves each open case to the grid that holds its point now, or to the successor, and each household to the successor. The successor (same level, same district, not retired) is required when the node has open cases or households. Answers 202 with the retirement's status, readable at the Location; repeating it with the same successor answers the same retirement.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        territory.MapGet("/{code}/retirement", GetRetirement)
            .RequireAuthorization(Policies.TerritoryRead)
            .WithName("GetTerritoryRetirement")
            .WithSummary("Read a node's retirement")
            .WithDescription("How far the moves of a retired node's open cases and households have got (phase moving, then done); 404 when the node was never retired.")
            .ProducesValidationProblem();

        territory.MapGet("/{code}/history", GetHistory)
            .RequireAuthorization(Policies.TerritoryRead)
            .WithName("GetTerritoryHistory")
            .WithSummary("Read a node's boundary history")
            .WithDescription("Every boundary the node has had, oldest first, each with validFrom and validTo (validTo null for the one in force), and its retirement if retired.")
            .ProducesValidationProblem();
    }

    public static void MapPartyGridRegrid(this RouteGroupBuilder api, RouteGroupBuilder partyGrids)
    {
        api.MapGet("/districts/{district}/party-grids", ListPartyGrids)
            .WithTags("Party-building grids")
            .RequireAuthorization(Policies.PartyGridRead)
            .WithName("ListPartyGrids")
            .WithSummary("List a district's Party-building grids")
            .WithDescription("Ordered by id, a page at a time: pass nextCursor back as cursor.")
            .ProducesValidationProblem();

        partyGrids.MapDelete("/{id}", DeletePartyGrid)
            .RequireAuthorization(Policies.PartyGridWrite)
            .WithName("DeletePartyGrid")
            .WithSummary("Delete a Party-building grid")
            .WithDescription("Releases its comprehensive grids; refused (409) while Party organizations sit on it. Honours If-Match (412 when stale). Its history stays readable.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        partyGrids.MapGet("/{id}/history", GetPartyGridHistory)
            .RequireAuthorization(Policies.PartyGridRead)
            .WithName("GetPartyGridHistory")
            .WithSummary("Read the history of a Party-building grid's grid sets")
            .WithDescription("Each creation, change of its comprehensive grids and deletion, oldest first, with time, actor, the set it left and the grids added and removed.")
            .ProducesValidationProblem();
    }

    public static async Task<NoContent> DeleteTerritory(string code, HttpContext http, IClusterClient cluster)
    {
        var expected = ETags.ExpectedVersion(http.Request);
        TerritoryApi.RequireCode(code, http);
        await cluster.GetGrain<ITerritoryGrain>(code).DeleteAsync(expected);
        return TypedResults.NoContent();
    }

    public static async Task<Accepted<RetirementView>> Retire(string code, RetireRequest? request, HttpContext http, IClusterClient cluster)
    {
        TerritoryApi.RequireCode(code, http);
        var status = await cluster.GetGrain<IRetirementGrain>(code).StartAsync(request?.Successor, http.Caller().Actor);
        return TypedResults.Accepted($"/api/v1/territory/{code}/retirement", RetirementView.From(status));
    }

    public static async Task<Results<Ok<RetirementView>, NotFoundProblem>> GetRetirement(string code, HttpContext http, IClusterClient cluster)
    {
        TerritoryApi.RequireCode(code, http);
        return await cluster.GetGrain<IRetirementGrain>(code).GetAsync() is { } status
            ? TypedResults.Ok(RetirementView.From(status))
            : new NotFoundProblem($"Territory {code} was never retired.");
    }

    public static async Task<Results<Ok<TerritoryHistoryView>, NotFoundProblem>> GetHistory(string code, HttpContext http, IClusterClient cluster)
    {
        TerritoryApi.RequireCode(code, http);
        return await cluster.GetGrain<ITerritoryGrain>(code).GetHistoryAsync() is { } history
            ? TypedResults.Ok(TerritoryHistoryView.From(history))
            : TerritoryApi.NoSuchNode(code);
    }

    public static async Task<Ok<PartyGridPage>> ListPartyGrids(string district, string? cursor, int? limit, HttpContext http, IClusterClient cluster)
    {
        if (!TerritoryCode.IsValid(district) || TerritoryCode.LevelOf(district) != TerritoryLevel.District)
        {
            throw DomainException.Invalid("district", $"'{district}' is not a six-digit district code.");
        }

        http.RequireDistrict(district, $"District {district}");
        var take = Paging.Limit(limit);
        var rows = await cluster.GetGrain<IPartyGridDirectoryGrain>(district).ListAsync(cursor, take + 1);
        return TypedResults.Ok(new PartyGridPage(
            rows.Take(take).Select(g => new PartyGridSummaryView(g.Id, g.Name, g.GridCount, g.Version)).ToArray(),
            rows.Count > take ? rows[take - 1].Id : null));
    }

    public static async Task<NoContent> DeletePartyGrid(string id, HttpContext http, IClusterClient cluster)
    {
        var expected = ETags.ExpectedVersion(http.Request);
        PartyGridApi.RequireId(id, http);
        await cluster.GetGrain<IPartyGridGrain>(id).DeleteAsync(expected);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<PartyGridHistoryView>, NotFoundProblem>> GetPartyGridHistory(string id, HttpContext http, IClusterClient cluster)
    {
        PartyGridApi.RequireId(id, http);
        return await cluster.GetGrain<IPartyGridGrain>(id).GetHistoryAsync() is { } history
            ? TypedResults.Ok(new PartyGridHistoryView(id, history.Select(c => new PartyGridChangeView(c.At, c.Actor, c.What, c.GridCodes, c.Added, c.Removed)).ToArray()))
            : new NotFoundProblem($"Party-building grid {id} does not exist.");
    }
}
