using GridGov.Api.Infrastructure;
using GridGov.Api.Security;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Territory;

public static class PartyGridApi
{
    public static void MapPartyGrids(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/party-grids").WithTags("Party-building grids");

        group.MapPut("/{id}", PutPartyGrid)
            .RequireAuthorization(Policies.PartyGridWrite)
            .WithName("PutPartyGrid")
            .WithSummary("Create or update a Party-building grid")
            .WithDescription("A Party-building grid merges whole comprehensive grids of its district; a comprehensive grid belongs to at most one (409 otherwise). The id is {district}-PG{n}.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapGet("/{id}", GetPartyGrid)
            .RequireAuthorization(Policies.PartyGridRead)
            .WithName("GetPartyGrid")
            .WithSummary("Read a Party-building grid")
            .WithDescription("Returns the Party-building grid with the codes of the comprehensive grids it merges and its version; the ETag header carries the version.")
            .ProducesValidationProblem();

        api.MapPartyGridRegrid(group);
    }

    public static async Task<Results<Created<PartyGridView>, Ok<PartyGridView>>> PutPartyGrid(string id, PartyGridRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireId(id, http);
        var result = await cluster.GetGrain<IPartyGridGrain>(id).UpsertAsync(request.Name, request.GridCodes, ETags.ExpectedVersion(http.Request));
        ETags.Set(http.Response, result.PartyGrid.Version);
        var view = PartyGridView.From(result.PartyGrid);
        return result.Outcome == UpsertOutcome.Created ? TypedResults.Created($"/api/v1/party-grids/{id}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<PartyGridView>, NotFoundProblem>> GetPartyGrid(string id, HttpContext http, IClusterClient cluster)
    {
        RequireId(id, http);
        if (await cluster.GetGrain<IPartyGridGrain>(id).GetAsync() is not { } snapshot)
        {
            return new NotFoundProblem($"Party-building grid {id} does not exist.");
        }

        ETags.Set(http.Response, snapshot.Version);
        return TypedResults.Ok(PartyGridView.From(snapshot));
    }

    internal static void RequireId(string id, HttpContext http)
    {
        if (!PartyGridId.IsValid(id))
        {
            throw DomainException.Invalid("id", $"'{id}' is not a Party-building grid id of the form {{district}}-PG{{n}}, e.g. 460204-PG1.");
        }

        http.RequireDistrict(DistrictCode.Of(id), $"Party-building grid {id}");
    }
}
