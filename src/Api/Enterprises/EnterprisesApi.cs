using GridGov.Api.Cases;
using GridGov.Api.Infrastructure;
using GridGov.Api.People;
using GridGov.Api.Security;
using GridGov.Api.Territory;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Enterprises;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Enterprises;

/// <summary>The enterprise registry (社区+企业): one grain per enterprise, lists from the read model (docs/resources.md).</summary>
public static class EnterprisesApi
{
    public static void MapEnterprises(this RouteGroupBuilder api)
    {
        var enterprises = api.MapGroup("/enterprises").WithTags("Enterprises");
        enterprises.MapPut("/{id}", PutEnterprise).RequireAuthorization(Policies.EnterpriseWrite)
            .WithName("PutEnterprise").WithSummary("Register or update an enterprise")
            .WithDescription("id is {district}-{creditCode}: the unified social credit code (18 characters, both check digits valid, upper case). The location (lat/lon) places the enterprise in the district's grid holding it (400 naming lat when none does); partyOrganizationId names a Party organization of the district. The contact's phone is hashed and masked on arrival. Honours If-Match (412 when stale).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        enterprises.MapGet("/{id}", GetEnterprise).RequireAuthorization(Policies.EnterpriseRead)
            .WithName("GetEnterprise").WithSummary("Read an enterprise")
            .WithDescription("The enterprise with its grid, Party organization and contact (masked phone); the ETag is its version.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .AuditsPersonalData<EnterpriseView>(e => e.Contact is null ? [] : [$"enterprise:{e.Id}"]);
        enterprises.MapDelete("/{id}", DeleteEnterprise).RequireAuthorization(Policies.EnterpriseWrite)
            .WithName("DeleteEnterprise").WithSummary("Delete an enterprise")
            .WithDescription("Honours If-Match (412 when stale). The enterprise leaves the lists; cases that named it keep its id.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        enterprises.MapGet("/{id}/cases", ListEnterpriseCases).RequireAuthorization(Policies.CaseList)
            .WithName("ListEnterpriseCases").WithSummary("The cases that name an enterprise (newest first)")
            .WithDescription("Cases whose report named the enterprise (enterpriseId), from the case read model; pages with cursor and limit. Grid workers see only the cases dispatched to them.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .AuditsPersonalData<CasePage>(p => p.Items.Where(c => c.Reporter is not null).Select(c => $"case:{c.Id}"));

        api.MapGet("/territory/{code}/enterprises", ListEnterprises).RequireAuthorization(Policies.EnterpriseRead)
            .WithTags("Enterprises").WithName("ListEnterprises").WithSummary("The enterprises of a grid, or of a community (every grid under a node)")
            .WithDescription("Enterprises placed in the grid, or in any grid under the node (a community, a street), by id; pages with cursor and limit.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .AuditsPersonalData<EnterprisePage>(p => p.Items.Where(e => e.Contact is not null).Select(e => $"enterprise:{e.Id}"));

        api.MapPost("/districts/{district}/enterprises/import", EnterpriseImport.ImportAsync)
            .WithMetadata(new Microsoft.AspNetCore.Http.Timeouts.DisableRequestTimeoutAttribute()).RequireAuthorization(Policies.EnterpriseWrite)
            .WithTags("Enterprises").WithName("ImportEnterprises").WithSummary("Import a district's enterprises from CSV, one row per enterprise")
            .WithDescription("Columns: credit_code, name, address, lat, lon, industry, employee_count, party_organization_id, contact_name, contact_phone. Streamed; each bad row is reported with its line and column and its enterprise is not written; re-importing changes nothing. A file over 1 MiB, or a request with Prefer: respond-async, answers 202 with the Location of an import job to poll.")
            .Accepts<string>("text/csv")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Results<Created<EnterpriseView>, Ok<EnterpriseView>>> PutEnterprise(
        string id, EnterpriseRequest request, HttpContext http, IClusterClient cluster, AuthSettings auth)
    {
        RequireId(id, http);
        var (phoneHash, phoneMasked) = request.Contact?.Phone is { Length: > 0 } phone ? PersonalNumbers.Phone(auth.PersonalDataKey(), phone, "contact.phone") : default;
        var profile = new EnterpriseProfile(
            request.Name, request.Address, request.Lat, request.Lon, request.Industry, request.EmployeeCount, request.PartyOrganizationId,
            string.IsNullOrWhiteSpace(request.Contact?.Name) ? null : request.Contact.Name, phoneHash, phoneMasked);
        var saved = await cluster.GetGrain<IEnterpriseGrain>(id).PutAsync(profile, http.Caller().Actor, ETags.ExpectedVersion(http.Request));
        ETags.Set(http.Response, saved.Snapshot.Version);
        var view = EnterpriseView.From(saved.Snapshot);
        return saved.Created ? TypedResults.Created($"/api/v1/enterprises/{id}", view) : TypedResults.Ok(view);
    }

    public static async Task<Ok<EnterpriseView>> GetEnterprise(string id, HttpContext http, IClusterClient cluster)
    {
        RequireId(id, http);
        var enterprise = await cluster.GetGrain<IEnterpriseGrain>(id).GetAsync() ?? throw DomainException.NotFound($"Enterprise {id} does not exist.");
        ETags.Set(http.Response, enterprise.Version);
        return TypedResults.Ok(EnterpriseView.From(enterprise));
    }

    public static async Task<NoContent> DeleteEnterprise(string id, HttpContext http, IClusterClient cluster)
    {
        var expected = ETags.ExpectedVersion(http.Request);
        RequireId(id, http);
        await cluster.GetGrain<IEnterpriseGrain>(id).DeleteAsync(http.Caller().Actor, expected);
        return TypedResults.NoContent();
    }

    /// <summary>One read-model query on the cases' enterprise column; grid workers see only what is dispatched to them, as in the case list.</summary>
    public static async Task<Ok<CasePage>> ListEnterpriseCases(string id, string? cursor, int? limit, HttpContext http, ICaseReadModel readModel, CancellationToken cancellationToken)
    {
        RequireId(id, http);
        var caller = http.Caller();
        var take = Paging.Limit(limit);
        var assignee = caller.Role == Roles.GridWorker ? caller.StaffId ?? "" : null;
        var rows = await readModel.QueryAsync(
            new CaseQuery(DistrictCode.Of(id), null, null, null, null, null, null, CasesApi.ParseCursor(cursor), take + 1, assignee, EnterpriseId: id),
            cancellationToken);
        var next = rows.Count > take ? CasesApi.Cursor(rows[take - 1]) : null;
        return TypedResults.Ok(new CasePage(rows.Take(take).Select(c => CaseView.From(c, CasesApi.MaySeePersonalData(caller))).ToArray(), next));
    }

    public static async Task<Ok<EnterprisePage>> ListEnterprises(string code, string? cursor, int? limit, HttpContext http, IEnterpriseReadModel readModel, CancellationToken cancellationToken)
    {
        TerritoryApi.RequireCode(code, http);
        if (cursor is not null && !EnterpriseIds.IsValid(cursor))
        {
            throw DomainException.Invalid("cursor", "The cursor is the nextCursor of a previous page.");
        }

        var take = Paging.Limit(limit);
        var rows = await readModel.ListAsync(code, cursor, take + 1, cancellationToken);
        return TypedResults.Ok(new EnterprisePage(rows.Take(take).Select(EnterpriseView.From).ToArray(), rows.Count > take ? rows[take - 1].Id : null));
    }

    internal static void RequireDistrict(string district, HttpContext http)
    {
        if (!TerritoryCode.IsValid(district) || TerritoryCode.LevelOf(district) != TerritoryLevel.District)
        {
            throw DomainException.Invalid("district", "district is a 6-digit district code.");
        }

        http.RequireDistrict(district, $"District {district}");
    }

    /// <summary>A well-formed enterprise id (400 naming id, with what is wrong with its credit code) of the caller's district (404 otherwise).</summary>
    private static void RequireId(string id, HttpContext http)
    {
        if (!EnterpriseIds.IsValid(id))
        {
            var problem = id is { Length: > 7 } && id[6] == '-' && TerritoryCode.IsValid(id[..6]) ? CreditCode.Problem(id[7..]) : null;
            throw DomainException.Invalid("id", $"'{id}' is not an enterprise id {{district}}-{{creditCode}}{(problem is null ? "." : ": " + problem)}");
        }

        http.RequireDistrict(DistrictCode.Of(id), $"Enterprise {id}");
    }
}
