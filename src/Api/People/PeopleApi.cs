using GridGov.Api.Infrastructure;
using GridGov.Api.Security;
using GridGov.Api.Territory;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.People;

public static class PeopleApi
{
    public static void MapPeople(this RouteGroupBuilder api)
    {
        var households = api.MapGroup("/households").WithTags("Households");
        households.MapPut("/{id}", PutHousehold).RequireAuthorization(Policies.PeopleWrite)
            .WithName("PutHousehold").WithSummary("Register or update a household and its residents")
            .WithDescription("Identity and phone numbers are hashed and masked on arrival; no answer ever carries them whole. A changed grid or micro-grid is recorded as a move in the household's history.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        households.MapPost("/import", HouseholdImport.ImportAsync).WithMetadata(new Microsoft.AspNetCore.Http.Timeouts.DisableRequestTimeoutAttribute()).RequireAuthorization(Policies.PeopleWrite)
            .WithName("ImportHouseholds").WithSummary("Import households from CSV, one row per resident")
            .WithDescription("Columns: household_id, grid_code, micro_grid_code, building, unit, room, resident_name, gender, birth_year, relation, residence_type, id_number, phone, care_tags (separated by ';'). Rows of one household are consecutive. Streamed; each bad row is reported with its line and its household is not imported; re-importing changes nothing. A file over 1 MiB, or a request with Prefer: respond-async, answers 202 with the Location of an import job to poll.")
            .Accepts<string>("text/csv")
            .ProducesValidationProblem();
        households.MapGet("/{id}", GetHousehold).RequireAuthorization(Policies.PeopleRead)
            .WithName("GetHousehold").WithSummary("Read a household")
            .WithDescription("The household with its residents (masked numbers), tags, linked Party member and history.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .AuditsPersonalData<HouseholdView>(h => [$"household:{h.Id}"]);
        households.MapPost("/{id}/link", LinkMember).RequireAuthorization(Policies.PartyWrite)
            .WithName("LinkHouseholdMember").WithSummary("Link a Party member to the household (党员联系户)")
            .WithDescription("A household has at most one linked member (409 otherwise); the member's list of households follows.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        households.MapPost("/{id}/unlink", UnlinkMember).RequireAuthorization(Policies.PartyWrite)
            .WithName("UnlinkHouseholdMember").WithSummary("Unlink the household's Party member")
            .WithDescription("Removes the link on both sides.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        households.MapDelete("/{id}", DeleteHousehold).RequireAuthorization(Policies.PeopleWrite)
            .WithName("DeleteHousehold").WithSummary("Delete a household and its residents from the registry")
            .WithDescription("Honours If-Match (412 when stale). The linked Party member forgets the household, the household leaves every list and the identity search, and its history is kept in the archive. A repeated DELETE is a 404; importing the household again registers it afresh.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        households.MapDelete("/{id}/residents/{residentId}", DeleteResident).RequireAuthorization(Policies.PeopleWrite)
            .WithName("DeleteResident").WithSummary("Delete one resident of a household from the registry")
            .WithDescription("If-Match names the household's version (412 when stale); the answer's ETag is the household's new version. Recorded in the household's history by resident id only; the resident leaves the identity search.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        households.MapPost("/{id}/residents/{residentId}/move", MoveResident).RequireAuthorization(Policies.PeopleWrite)
            .WithName("MoveResident").WithSummary("Move a resident to another household")
            .WithDescription("Recorded in both households' histories. The resident is added to the new household before leaving the old one, so a failure never loses them.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/territory/{code}/households", ListHouseholds).RequireAuthorization(Policies.PeopleRead)
            .WithTags("Households").WithName("ListHouseholds").WithSummary("The households of a grid (or of every grid under a node)")
            .WithDescription("Paged by cursor and limit; careTag keeps the households where that care tag applies (e.g. elderly-alone).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .AuditsPersonalData<HouseholdPage>(p => p.Items.Where(h => h.Residents.Count > 0).Select(h => $"household:{h.Id}"));

        api.MapPost("/residents/search", SearchResidents).RequireAuthorization(Policies.PeopleRead)
            .WithTags("Households").WithName("SearchResidentsByIdNumber").WithSummary("Find the households of a resident by identity number")
            .WithDescription("The number travels in the body (never in a URL or a log) and is matched by its keyed hash; the answer holds household ids only.")
            .ProducesValidationProblem();

        var organizations = api.MapGroup("/party-organizations").WithTags("Party organizations");
        organizations.MapPut("/{id}", PutOrganization).RequireAuthorization(Policies.PartyWrite)
            .WithName("PutPartyOrganization").WithSummary("Create or update a Party committee, branch or group")
            .WithDescription("A committee holds branches, a branch holds groups, a group holds nothing. Branches sit on a Party-building grid; a group on one or on a comprehensive grid.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        organizations.MapGet("/{id}", GetOrganization).RequireAuthorization(Policies.PartyRead)
            .WithName("GetPartyOrganization").WithSummary("Read a Party organization")
            .WithDescription("The organization with its parent, attachment, children and members. Its version (ETag) changes with its own fields only, not when children or members come and go.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        organizations.MapDelete("/{id}", DeleteOrganization).RequireAuthorization(Policies.PartyWrite)
            .WithName("DeletePartyOrganization").WithSummary("Delete a Party organization")
            .WithDescription("Refused (409) while it has child organizations or members: delete the children and transfer the members first. Honours If-Match (412 when stale). It leaves its parent's children and the Party-building grid's lists; its last fields are kept in the archive.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        api.MapGet("/party-grids/{id}/organizations", ListPartyGridOrganizations).RequireAuthorization(Policies.PartyRead)
            .WithTags("Party organizations").WithName("ListPartyGridOrganizations").WithSummary("The Party organizations built on a Party-building grid")
            .WithDescription("The committees, branches and groups on the Party-building grid, and the groups on its comprehensive grids.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/party-grids/{id}/members", ListPartyGridMembers).RequireAuthorization(Policies.PartyRead)
            .WithTags("Party members").WithName("ListPartyGridMembers").WithSummary("The Party members of a Party-building grid's organizations")
            .WithDescription("Members of every organization built on the Party-building grid (see …/organizations), by id; pages with cursor and limit.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .AuditsPersonalData<PartyMemberPage>(p => p.Items.Select(m => $"member:{m.Id}"));

        var members = api.MapGroup("/party-members").WithTags("Party members");
        members.MapPost("/import", MemberImport.ImportAsync).WithMetadata(new Microsoft.AspNetCore.Http.Timeouts.DisableRequestTimeoutAttribute()).RequireAuthorization(Policies.PartyWrite)
            .WithName("ImportPartyMembers").WithSummary("Import Party members from CSV, one row per member")
            .WithDescription("Columns: member_id, name, organization_id, status, mobile, joined (yyyy-MM-dd), phone, household_ids (separated by ';'). Streamed; each bad row is reported with its line; listed households are linked to the member; re-importing changes nothing.")
            .Accepts<string>("text/csv")
            .ProducesValidationProblem();
        members.MapPut("/{id}", PutMember).RequireAuthorization(Policies.PartyWrite)
            .WithName("PutPartyMember").WithSummary("Register or update a Party member")
            .WithDescription("A change of organization is recorded as a transfer. The phone is stored masked and hashed only.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status412PreconditionFailed);
        members.MapGet("/{id}", GetMember).RequireAuthorization(Policies.PartyRead)
            .WithName("GetPartyMember").WithSummary("Read a Party member")
            .WithDescription("The member's profile (masked phone), organization, linked households and history.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .AuditsPersonalData<PartyMemberView>(m => [$"member:{m.Id}"]);
        members.MapDelete("/{id}", DeleteMember).RequireAuthorization(Policies.PartyWrite)
            .WithName("DeletePartyMember").WithSummary("Delete a Party member")
            .WithDescription("Honours If-Match (412 when stale). Every household the member keeps in touch with is unlinked (recorded in its history), the member leaves its organization and the lists, and its history is kept in the archive. A link racing the deletion is refused or undone.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        members.MapPost("/{id}/transfer", TransferMember).RequireAuthorization(Policies.PartyWrite)
            .WithName("TransferPartyMember").WithSummary("Transfer a member to another organization (组织关系转接)")
            .WithDescription("Recorded in the member's history with the note.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapMobileMembers();
    }

    public static async Task<Results<Created<HouseholdView>, Ok<HouseholdView>>> PutHousehold(
        string id, HouseholdRequest request, HttpContext http, IClusterClient cluster, AuthSettings auth)
    {
        RequireId(id, "H", "household", http);
        var key = auth.PersonalDataKey();
        var residents = (request.Residents ?? []).Select((r, i) =>
        {
            if (r is null)
            {
                throw DomainException.Invalid($"residents[{i}]", "A resident is an object.");
            }

            var (idHash, idMasked) = r.IdNumber is { } number ? PersonalNumbers.IdNumber(key, number, $"residents[{i}].idNumber") : default;
            var (phoneHash, phoneMasked) = r.Phone is { } phone ? PersonalNumbers.Phone(key, phone, $"residents[{i}].phone") : default;

            return new Resident(r.Id.Trim(), r.Name, r.Gender, r.BirthYear, r.Relation, r.ResidenceType, idHash, idMasked, phoneHash, phoneMasked, r.CareTags ?? []);
        }).ToArray();

        var saved = await cluster.GetGrain<IHouseholdGrain>(id).PutAsync(
            new HouseholdAddress(request.GridCode.Trim(), request.MicroGridCode?.Trim(), request.Building.Trim(), request.Unit?.Trim(), request.Room.Trim()),
            request.Tags ?? [], residents, http.Caller().Actor, ETags.ExpectedVersion(http.Request));
        return Saved(http, saved.Created, saved.Snapshot.Version, HouseholdView.From(saved.Snapshot), $"/api/v1/households/{id}");
    }

    public static async Task<Ok<HouseholdView>> GetHousehold(string id, HttpContext http, IClusterClient cluster)
    {
        RequireId(id, "H", "household", http);
        var household = await cluster.GetGrain<IHouseholdGrain>(id).ReadAsync();
        ETags.Set(http.Response, household.Version);
        return TypedResults.Ok(HouseholdView.From(household));
    }

    public static async Task<NoContent> DeleteHousehold(string id, HttpContext http, IClusterClient cluster)
    {
        var expected = ETags.ExpectedVersion(http.Request);
        RequireId(id, "H", "household", http);
        await cluster.GetGrain<IHouseholdGrain>(id).DeleteAsync(http.Caller().Actor, expected);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> DeleteResident(string id, string residentId, HttpContext http, IClusterClient cluster)
    {
        var expected = ETags.ExpectedVersion(http.Request);
        RequireId(id, "H", "household", http);
        if (!PeopleIds.IsValid(residentId, "R"))
        {
            throw DomainException.Invalid("residentId", $"'{residentId}' is not a resident id of the form {{district}}-R{{id}}.");
        }

        var household = await cluster.GetGrain<IHouseholdGrain>(id).RemoveResidentAsync(residentId, http.Caller().Actor, expected);
        ETags.Set(http.Response, household.Version);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<HouseholdView>> LinkMember(string id, MemberLinkRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireId(id, "H", "household", http);
        RequireId(request.MemberId, "M", "memberId", http, asField: true);
        return TypedResults.Ok(HouseholdView.From(await cluster.GetGrain<IHouseholdGrain>(id).LinkMemberAsync(request.MemberId.Trim(), http.Caller().Actor)));
    }

    public static async Task<Ok<HouseholdView>> UnlinkMember(string id, MemberLinkRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireId(id, "H", "household", http);
        RequireId(request.MemberId, "M", "memberId", http, asField: true);
        return TypedResults.Ok(HouseholdView.From(await cluster.GetGrain<IHouseholdGrain>(id).UnlinkMemberAsync(request.MemberId.Trim(), http.Caller().Actor)));
    }

    /// <summary>The resident's move grain owns the move across the two households (and finishes it if this request goes away).</summary>
    public static async Task<Ok<HouseholdView>> MoveResident(string id, string residentId, ResidentMoveRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireId(id, "H", "household", http);
        RequireId(request.ToHousehold, "H", "toHousehold", http, asField: true);
        if (!PeopleIds.IsValid(residentId, "R") || DistrictCode.Of(residentId) != DistrictCode.Of(id))
        {
            throw DomainException.NotFound($"Resident {residentId} is not in household {id}.");
        }

        var arrived = await cluster.GetGrain<IResidentMoveGrain>(residentId).MoveAsync(id, request.ToHousehold.Trim(), http.Caller().Actor);
        return TypedResults.Ok(HouseholdView.From(arrived));
    }

    /// <summary>One call for every caller: the district's directory applies the grid worker's rule, then queries the read model.</summary>
    public static async Task<Ok<HouseholdPage>> ListHouseholds(string code, string? careTag, string? cursor, int? limit, HttpContext http, IClusterClient cluster)
    {
        TerritoryApi.RequireCode(code, http);
        var take = Paging.Limit(limit);
        var rows = await cluster.GetGrain<IPeopleDirectoryGrain>(DistrictCode.Of(code)).ListHouseholdsAsync(code, careTag, cursor, take + 1);
        return TypedResults.Ok(new HouseholdPage(rows.Take(take).Select(HouseholdView.From).ToArray(), rows.Count > take ? rows[take - 1].Id : null));
    }

    public static async Task<Ok<HouseholdMatchView>> SearchResidents(ResidentSearchRequest request, HttpContext http, IPeopleReadModel readModel, AuthSettings auth, CancellationToken cancellationToken)
    {
        var district = http.Caller().DistrictFilter ?? request.District
            ?? throw DomainException.Invalid("district", "Operators name the district to search.");
        var ids = await readModel.FindHouseholdsByIdNumberAsync(district, PersonalData.Hash(auth.PersonalDataKey(), "id", request.IdNumber.Trim()), cancellationToken);
        return TypedResults.Ok(new HouseholdMatchView(ids));
    }

    public static async Task<Results<Created<PartyOrganizationView>, Ok<PartyOrganizationView>>> PutOrganization(string id, PartyOrganizationRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireId(id, "PO", "Party organization", http);
        var saved = await cluster.GetGrain<IPartyOrganizationGrain>(id).PutAsync(
            request.Kind, request.Name, request.ParentId?.Trim(), request.PartyGridId?.Trim(), request.GridCode?.Trim(), ETags.ExpectedVersion(http.Request));
        return Saved(http, saved.Created, saved.Snapshot.Version, PartyOrganizationView.From(saved.Snapshot), $"/api/v1/party-organizations/{id}");
    }

    public static async Task<Ok<PartyOrganizationView>> GetOrganization(string id, HttpContext http, IClusterClient cluster)
    {
        RequireId(id, "PO", "Party organization", http);
        var snapshot = await cluster.GetGrain<IPartyOrganizationGrain>(id).GetAsync() ?? throw DomainException.NotFound($"Party organization {id} does not exist.");
        ETags.Set(http.Response, snapshot.Version);
        return TypedResults.Ok(PartyOrganizationView.From(snapshot));
    }

    public static async Task<NoContent> DeleteOrganization(string id, HttpContext http, IClusterClient cluster)
    {
        var expected = ETags.ExpectedVersion(http.Request);
        RequireId(id, "PO", "Party organization", http);
        await cluster.GetGrain<IPartyOrganizationGrain>(id).DeleteAsync(http.Caller().Actor, expected);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Created<PartyMemberView>, Ok<PartyMemberView>>> PutMember(string id, PartyMemberRequest request, HttpContext http, IClusterClient cluster, AuthSettings auth)
    {
        RequireId(id, "M", "Party member", http);
        var (phoneHash, phoneMasked) = request.Phone is { } phone ? PersonalNumbers.Phone(auth.PersonalDataKey(), phone, "phone") : default;

        var saved = await cluster.GetGrain<IPartyMemberGrain>(id).PutAsync(
            new PartyMemberProfile(request.Name, phoneHash, phoneMasked, request.Status, request.Mobile, request.Joined, request.OrganizationId.Trim(), request.GridRole) { StaffId = request.StaffId },
            http.Caller().Actor, ETags.ExpectedVersion(http.Request));
        return Saved(http, saved.Created, saved.Snapshot.Version, PartyMemberView.From(saved.Snapshot), $"/api/v1/party-members/{id}");
    }

    public static async Task<Ok<PartyMemberView>> GetMember(string id, HttpContext http, IClusterClient cluster)
    {
        RequireId(id, "M", "Party member", http);
        var snapshot = await cluster.GetGrain<IPartyMemberGrain>(id).GetAsync() ?? throw DomainException.NotFound($"Party member {id} does not exist.");
        ETags.Set(http.Response, snapshot.Version);
        return TypedResults.Ok(PartyMemberView.From(snapshot));
    }

    /// <summary>The member's deletion grain owns the deletion across the member and its households, and finishes it if this request goes away.</summary>
    public static async Task<NoContent> DeleteMember(string id, HttpContext http, IClusterClient cluster)
    {
        var expected = ETags.ExpectedVersion(http.Request);
        RequireId(id, "M", "Party member", http);
        await cluster.GetGrain<IMemberDeletionGrain>(id).DeleteAsync(http.Caller().Actor, expected);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<PartyMemberView>> TransferMember(string id, TransferRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireId(id, "M", "Party member", http);
        return TypedResults.Ok(PartyMemberView.From(await cluster.GetGrain<IPartyMemberGrain>(id).TransferAsync(request.OrganizationId.Trim(), http.Caller().Actor, request.Note?.Trim())));
    }

    public static async Task<Ok<PartyOrganizationPage>> ListPartyGridOrganizations(string id, HttpContext http, IClusterClient cluster)
    {
        RequirePartyGrid(id, http);
        var organizations = await cluster.GetGrain<IPeopleDirectoryGrain>(DistrictCode.Of(id)).ListPartyGridOrganizationsAsync(id);
        return TypedResults.Ok(new PartyOrganizationPage(organizations.Select(PartyOrganizationView.From).ToArray()));
    }

    public static async Task<Ok<PartyMemberPage>> ListPartyGridMembers(string id, string? cursor, int? limit, HttpContext http, IClusterClient cluster)
    {
        RequirePartyGrid(id, http);
        var take = Paging.Limit(limit);
        var rows = await cluster.GetGrain<IPeopleDirectoryGrain>(DistrictCode.Of(id)).ListPartyGridMembersAsync(id, cursor, take + 1);
        return TypedResults.Ok(new PartyMemberPage(rows.Take(take).Select(PartyMemberView.From).ToArray(), rows.Count > take ? rows[take - 1].Id : null));
    }

    private static void RequirePartyGrid(string id, HttpContext http)
    {
        if (!PartyGridId.IsValid(id))
        {
            throw DomainException.Invalid("id", $"'{id}' is not a Party-building grid id of the form {{district}}-PG{{n}}.");
        }

        http.RequireDistrict(DistrictCode.Of(id), $"Party-building grid {id}");
    }

    /// <summary>201 with the entry's location when the PUT created it, else 200; the ETag is its version either way.</summary>
    private static Results<Created<TView>, Ok<TView>> Saved<TView>(HttpContext http, bool created, long version, TView body, string location)
    {
        ETags.Set(http.Response, version);
        return created ? TypedResults.Created(location, body) : TypedResults.Ok(body);
    }

    internal static void RequireId(string id, string prefix, string what, HttpContext http, bool asField = false)
    {
        if (!PeopleIds.IsValid(id?.Trim(), prefix))
        {
            throw DomainException.Invalid(asField ? what : "id", $"'{id}' is not an id of the form {{district}}-{prefix}{{id}}.");
        }

        if (!asField)
        {
            http.RequireDistrict(DistrictCode.Of(id!), $"{what} {id}");
        }
        else if (!Scopes.Covers(http.Caller().Scope, DistrictCode.Of(id!)))
        {
            throw DomainException.Invalid(what, $"{id} is not in your district.");
        }
    }

}
