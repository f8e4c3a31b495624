using System.Net;
using System.Text;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Enterprises;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Security;

/// <summary>
/// Every endpoint × every role × own/other district, with the exact status. The expectations are written out here,
/// independently of the API's policy table, so a change to either shows up as a failure.
/// </summary>
public sealed class AccessMatrixTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    private const string O = Roles.Operator, DA = Roles.DistrictAdmin, CC = Roles.CommandCentre, GW = Roles.GridWorker,
        PS = Roles.PartySecretary, AP = Roles.App, VW = Roles.Viewer;

    private static readonly string[] Staff = [O, DA, CC, GW, PS];
    private static readonly string[] Admins = [O, DA];
    private static readonly string[] Supervisors = [O, DA, CC];
    private static readonly string[] Handlers = [O, DA, CC, GW];

    /// <summary>An endpoint: who may call it, how to call it about a district, and what it answers.</summary>
    private sealed record Endpoint(
        string Name,
        string[] Allowed,
        Func<SecurityFixture, string, Task<HttpRequestMessage>> Request,
        HttpStatusCode Own,
        HttpStatusCode Other,
        bool Public = false);

    private static HttpRequestMessage Json(HttpMethod method, string url, string body) =>
        new(method, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private static readonly Endpoint[] Endpoints =
    [
        new("PUT territory", Admins, (f, d) => Task.FromResult(Json(HttpMethod.Put, $"/api/v1/territory/{f.GridOf(d)}", """{"name":"Grid"}""")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET territory", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/territory/{f.GridOf(d)}")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET territory map", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/territory/{d}001/map")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET cluster", [O], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, "/api/v1/cluster")), HttpStatusCode.OK, HttpStatusCode.OK),
        new("GET caller", [.. Roles.All], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, "/api/v1/caller")), HttpStatusCode.OK, HttpStatusCode.OK),
        new("GET children", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/territory/{d}001/children")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("POST import", Admins, (f, d) => Task.FromResult(Json(HttpMethod.Post, "/api/v1/territory/import", Geo.Collection(Geo.Feature($"{d}001", "Street", Geo.Box(Fresh.Origin(d).Lon, Fresh.Origin(d).Lat, Fresh.Origin(d).Lon + 0.3, Fresh.Origin(d).Lat + 0.3))))), HttpStatusCode.OK, HttpStatusCode.OK),
        new("GET locate", [.. Staff, AP], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, FormattableString.Invariant($"/api/v1/locate?lat={Fresh.Origin(d).Lat + 0.05}&lon={Fresh.Origin(d).Lon + 0.05}"))), HttpStatusCode.OK, HttpStatusCode.OK),
        new("PUT party grid", Admins, (f, d) => Task.FromResult(Json(HttpMethod.Put, $"/api/v1/party-grids/{d}-PG1", $$"""{"name":"PG","gridCodes":["{{f.GridOf(d)}}"]}""")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET party grid", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/party-grids/{d}-PG1")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("POST api key", Admins, (f, d) => Task.FromResult(Json(HttpMethod.Post, "/api/v1/api-keys", $$"""{"name":"k","role":"viewer","scope":"{{d}}"}""")), HttpStatusCode.Created, HttpStatusCode.Forbidden),
        new("GET api keys", Admins, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, "/api/v1/api-keys")), HttpStatusCode.OK, HttpStatusCode.OK),
        new("GET api key", Admins, async (f, d) => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/api-keys/{await f.KeyIdInAsync(d)}"), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("DELETE api key", Admins, async (f, d) => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/api-keys/{await f.KeyIdInAsync(d)}"), HttpStatusCode.NoContent, HttpStatusCode.NotFound),
        new("GET audit", Admins, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/audit?district={d}")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET categories", [.. Staff, AP], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/districts/{d}/categories")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("PUT category", Admins, (f, d) => Task.FromResult(Json(HttpMethod.Put, $"/api/v1/districts/{d}/categories/local.m", """{"name":"m","class":"event","timeLimitHours":24,"responseLimitHours":2,"department":"d"}""")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        // A report at a point of the other district finds no grid of the caller's own district: 400 naming lat.
        // Honest sources: staff report gridPatrol (or higherLevel), a residents' app residentApp; each other's is a 403.
        new("POST case", Staff, (f, d) => Task.FromResult(Json(HttpMethod.Post, "/api/v1/cases", FormattableString.Invariant($$"""{"category":"event.other","description":"m","source":"gridPatrol","lat":{{Fresh.Origin(d).Lat + 0.05}},"lon":{{Fresh.Origin(d).Lon + 0.05}}}"""))), HttpStatusCode.Created, HttpStatusCode.BadRequest),
        new("POST case (resident app)", [AP], (f, d) => Task.FromResult(Json(HttpMethod.Post, "/api/v1/cases", FormattableString.Invariant($$"""{"category":"event.other","description":"m","source":"residentApp","lat":{{Fresh.Origin(d).Lat + 0.05}},"lon":{{Fresh.Origin(d).Lon + 0.05}}}"""))), HttpStatusCode.Created, HttpStatusCode.BadRequest),
        new("GET cases", Handlers, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/cases?territory={f.GridOf(d)}")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET case", [.. Staff, AP], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/cases/{f.ClosedCase[d]}")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET case history", [.. Staff, AP], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/cases/{f.ClosedCase[d]}/history")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET open cases", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/territory/{d}001/open-cases")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("PUT household", [O, DA, GW], (f, d) => Task.FromResult(Json(HttpMethod.Put, $"/api/v1/households/{d}-H1", f.HouseholdBody(d))), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("POST households import", [O, DA, GW], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, "/api/v1/households/import")
        {
            Content = new StringContent($"household_id,grid_code,micro_grid_code,building,unit,room,resident_name,gender,birth_year,relation,residence_type,id_number,phone,care_tags\nm1,{f.PeopleGridOf(d)},,1,,1,A,male,1970,head,registered,,,\n", Encoding.UTF8, "text/csv"),
        }), HttpStatusCode.OK, HttpStatusCode.OK),
        new("POST party members import", [O, DA, PS], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, "/api/v1/party-members/import")
        {
            Content = new StringContent($"member_id,name,organization_id,status,mobile,joined,phone,household_ids\nmi,N,{d}-PO1,full,false,2000-01-01,,\n", Encoding.UTF8, "text/csv"),
        }), HttpStatusCode.OK, HttpStatusCode.OK),
        // No such job: 404 for whoever may ask; the policy's 403 comes first.
        new("GET import job", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/import-jobs/{new string('0', 32)}")), HttpStatusCode.NotFound, HttpStatusCode.NotFound),
        new("GET household", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/households/{d}-H1")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("POST household link", [O, DA, PS], (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/households/{d}-H1/link", $$"""{"memberId":"{{d}}-M1"}""")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        // Never linked to member M2: refused by the state (409) for whoever may try.
        new("POST household unlink", [O, DA, PS], (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/households/{d}-H1/unlink", $$"""{"memberId":"{{d}}-M2"}""")), HttpStatusCode.Conflict, HttpStatusCode.NotFound),
        // No such resident: 404 for whoever may try; the policy's 403 comes first.
        new("POST resident move", [O, DA, GW], (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/households/{d}-H1/residents/{d}-R404/move", $$"""{"toHousehold":"{{d}}-H1"}""")), HttpStatusCode.NotFound, HttpStatusCode.NotFound),
        new("GET grid households", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/territory/{f.PeopleGridOf(d)}/households")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        // A district-scoped caller always searches its own district, whatever the body names.
        new("POST resident search", Staff, (f, d) => Task.FromResult(Json(HttpMethod.Post, "/api/v1/residents/search", $$"""{"idNumber":"11010519491231002X","district":"{{d}}"}""")), HttpStatusCode.OK, HttpStatusCode.OK),
        new("PUT party organization", [O, DA, PS], (f, d) => Task.FromResult(Json(HttpMethod.Put, $"/api/v1/party-organizations/{d}-PO1", SecurityFixture.OrganizationBody(d))), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET party grid organizations", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/party-grids/{d}-PG1/organizations")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET party grid members", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/party-grids/{d}-PG1/members")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET party organization", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/party-organizations/{d}-PO1")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("PUT party member", [O, DA, PS], (f, d) => Task.FromResult(Json(HttpMethod.Put, $"/api/v1/party-members/{d}-M1", SecurityFixture.MemberBody(d))), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET party member", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/party-members/{d}-M1")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        // Each DELETE aims at an entity made for that request alone.
        new("DELETE household", [O, DA, GW], async (f, d) => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/households/{await f.FreshHouseholdAsync(d)}"), HttpStatusCode.NoContent, HttpStatusCode.NotFound),
        new("DELETE resident", [O, DA, GW], async (f, d) => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/households/{await f.FreshHouseholdAsync(d)}/residents/{d}-R1"), HttpStatusCode.NoContent, HttpStatusCode.NotFound),
        new("DELETE party organization", [O, DA, PS], async (f, d) => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/party-organizations/{await f.FreshOrganizationAsync(d)}"), HttpStatusCode.NoContent, HttpStatusCode.NotFound),
        new("DELETE party member", [O, DA, PS], async (f, d) => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/party-members/{await f.FreshMemberAsync(d)}"), HttpStatusCode.NoContent, HttpStatusCode.NotFound),
        // A transfer to the organization the member is in: refused by the state (409) for whoever may try.
        new("POST party member transfer", [O, DA, PS], (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/party-members/{d}-M1/transfer", $$"""{"organizationId":"{{d}}-PO1"}""")), HttpStatusCode.Conflict, HttpStatusCode.NotFound),
        new("GET indicators", [.. Staff, VW], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/territory/{d}001/indicators")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET ranking", [.. Staff, VW], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/territory/{d}001/ranking?indicator=open")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("POST indicators recount", Admins, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/territory/{d}001/indicators/recount")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET handler indicators", [.. Handlers, VW], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/districts/{d}/handlers/w-1/indicators")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET escalated cases", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/territory/{d}001001/escalated")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET departments", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/districts/{d}/departments")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("PUT department", Admins, (f, d) => Task.FromResult(Json(HttpMethod.Put, $"/api/v1/districts/{d}/departments/m{Guid.NewGuid().ToString("N")[..20]}", """{"name":"Matrix","contact":"0898 1234"}""")), HttpStatusCode.Created, HttpStatusCode.NotFound),
        new("DELETE department", Admins, async (f, d) => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/districts/{d}/departments/{await f.DepartmentInAsync(d)}"), HttpStatusCode.NoContent, HttpStatusCode.NotFound),
        // A stream answers 200 and its first bytes; the test reads no further (see Each_role_gets_exactly_its_status).
        new("GET territory events", [.. Staff, AP], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/territory/{d}001/events")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("POST webhook", [O, DA, AP], (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/districts/{d}/webhooks", SecurityFixture.WebhookBody(d))), HttpStatusCode.Created, HttpStatusCode.NotFound),
        new("GET webhooks", [O, DA, AP], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/districts/{d}/webhooks")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        // District A's webhooks belong to A's app, which (like A's admins) may manage them; B's to the operator.
        new("GET webhook", [O, DA, AP], async (f, d) => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/districts/{d}/webhooks/{await f.WebhookInAsync(d)}"), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("DELETE webhook", [O, DA, AP], async (f, d) => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/districts/{d}/webhooks/{await f.WebhookInAsync(d)}"), HttpStatusCode.NoContent, HttpStatusCode.NotFound),
        new("GET webhook dead letters", [O, DA, AP], async (f, d) => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/districts/{d}/webhooks/{await f.WebhookInAsync(d)}/dead-letters"), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("POST webhook replay dead letters", [O, DA, AP], async (f, d) => Json(HttpMethod.Post, $"/api/v1/districts/{d}/webhooks/{await f.WebhookInAsync(d)}/dead-letters/replay", "{}"), HttpStatusCode.Accepted, HttpStatusCode.NotFound),
        // No such delivery: 404 for whoever may ask; the policy's 403 comes first.
        new("POST webhook replay dead letter", [O, DA, AP], async (f, d) => Json(HttpMethod.Post, $"/api/v1/districts/{d}/webhooks/{await f.WebhookInAsync(d)}/dead-letters/{Guid.Empty}/replay", "{}"), HttpStatusCode.NotFound, HttpStatusCode.NotFound),
        // Points (docs/party.md): rules and grants are the administrators'; visits and meetings PartyWrite; reading is staff's.
        new("GET point rules", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/districts/{d}/point-rules")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("PUT point rule", Admins, (f, d) => Task.FromResult(Json(HttpMethod.Put, $"/api/v1/districts/{d}/point-rules/matrix", """{"name":"Matrix","points":1,"trigger":"manual","effectiveFrom":"2026-01-01"}""")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET point rule", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/districts/{d}/point-rules/none")), HttpStatusCode.NotFound, HttpStatusCode.NotFound),
        new("GET points statement", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/party-members/{d}-M1/points")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        // No such rule: refused by the rules (409 naming ruleCode) for whoever may try; no such entry to correct: 400 naming entry.
        new("POST points grant", Admins, (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/party-members/{d}-M1/points/grants", """{"ruleCode":"none","sourceId":"m","date":"2026-06-01","reason":"r"}""")), HttpStatusCode.Conflict, HttpStatusCode.NotFound),
        new("POST points correction", Admins, (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/party-members/{d}-M1/points/corrections", """{"entry":999,"reason":"r"}""")), HttpStatusCode.BadRequest, HttpStatusCode.NotFound),
        new("POST points recount", Admins, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/party-members/{d}-M1/points/recount")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        // A household the member does not keep in touch with: refused by the state (409) for whoever may try.
        new("POST care visit", [O, DA, PS], (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/party-members/{d}-M1/visits", $$"""{"householdId":"{{d}}-H404","date":"{{DateTime.UtcNow:yyyy-MM-dd}}"}""")), HttpStatusCode.Conflict, HttpStatusCode.NotFound),
        new("POST meeting", [O, DA, PS], (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/party-organizations/{d}-PO1/meetings", $$"""{"date":"{{DateTime.UtcNow:yyyy-MM-dd}}","topic":"Matrix","attendance":["{{d}}-M1"]}""")), HttpStatusCode.Created, HttpStatusCode.NotFound),
        new("GET meetings", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/party-organizations/{d}-PO1/meetings")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET branch leaderboard", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/party-organizations/{d}-PO1/points-leaderboard")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET party grid leaderboard", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/party-grids/{d}-PG1/points-leaderboard")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET grid leaderboard", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/territory/{f.GridOf(d)}/points-leaderboard")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        // Mobile members: the member's PUT is PartyWrite; no such member to return (404) for whoever may try.
        new("PUT member mobility", [O, DA, PS], (f, d) => Task.FromResult(Json(HttpMethod.Put, $"/api/v1/party-members/{d}-M1/mobility", """{"city":"Haikou","holdingOrganization":"A branch there","since":"2024-01-01"}""")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("POST member return", [O, DA, PS], (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/party-members/{d}-M404/return", """{"returnedOn":"2025-01-01"}""")), HttpStatusCode.NotFound, HttpStatusCode.NotFound),
        new("GET mobile members", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/party-organizations/{d}-PO1/mobile-members")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        // Villages and decisions: the board is public, in every district; steps out of order are the state's 409.
        new("PUT village", [O, DA, PS], (f, d) => Task.FromResult(Json(HttpMethod.Put, $"/api/v1/villages/{d}001001", """{"name":"Village"}""")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET village", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/villages/{d}001001")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("POST decision", [O, DA, PS], (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/villages/{d}001001/decisions", """{"matter":"Matrix","kind":"other","origin":"higherLevel"}""")), HttpStatusCode.Created, HttpStatusCode.NotFound),
        new("GET decisions", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/villages/{d}001001/decisions")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET village board", [.. Roles.All], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/villages/{d}001001/board")), HttpStatusCode.OK, HttpStatusCode.OK, Public: true),
        new("GET decision", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/decisions/{f.Decision[d]}")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET decision history", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/decisions/{f.Decision[d]}/history")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("POST decision step", [O, DA, PS], (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/decisions/{f.Decision[d]}/steps/result-disclosure", """{"date":"2026-01-01T00:00:00Z","end":"2026-01-09T00:00:00Z"}""")), HttpStatusCode.Conflict, HttpStatusCode.NotFound),
        new("POST decision objection", [.. Staff, AP], (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/decisions/{f.Decision[d]}/objections", """{"text":"No disclosure runs"}""")), HttpStatusCode.Conflict, HttpStatusCode.NotFound),
        new("POST objection answer", [O, DA, PS], (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/decisions/{f.Decision[d]}/objections/9/answer", """{"answer":"a"}""")), HttpStatusCode.NotFound, HttpStatusCode.NotFound),
        new("POST decision complete", [O, DA, PS], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/decisions/{f.Decision[d]}/complete")), HttpStatusCode.Conflict, HttpStatusCode.NotFound),
        .. Actions(Supervisors, "file", "reject", "dispatch", "verify", "rework", "approve-extension", "deny-extension", "escalate", "merge"),
        .. Actions(Handlers, "accept", "return", "resolve", "request-extension"),
        .. Actions([O, DA, CC, AP], "evaluate"),
        new("PUT police area", Admins, (f, d) => Task.FromResult(Json(HttpMethod.Put, $"/api/v1/districts/{d}/police-areas/{Police.PoliceMatrix.FreshCode()}", Police.PoliceMatrix.Body(d))), HttpStatusCode.Created, HttpStatusCode.NotFound),
        new("GET police area", Staff, async (f, d) => new HttpRequestMessage(HttpMethod.Get, await Police.PoliceMatrix.AreaInAsync(f, d)), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET police area history", Staff, async (f, d) => new HttpRequestMessage(HttpMethod.Get, await Police.PoliceMatrix.AreaInAsync(f, d) + "/history"), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("POST police area grid", Admins, async (f, d) => Json(HttpMethod.Post, await Police.PoliceMatrix.AreaInAsync(f, d) + "/grids", $$"""{"grid":"{{f.GridOf(d)}}","action":"clear"}"""), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("DELETE police area", Admins, async (f, d) => new HttpRequestMessage(HttpMethod.Delete, await Police.PoliceMatrix.FreshAreaInAsync(f, d)), HttpStatusCode.NoContent, HttpStatusCode.NotFound),
        new("GET police areas", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/districts/{d}/police-areas")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("POST police areas import", Admins, (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/districts/{d}/police-areas/import", """{"type":"FeatureCollection","features":[]}""")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET police area indicators", [.. Staff, VW], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/districts/{d}/police-areas/MX1/indicators")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET police areas layer", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/districts/{d}/layers/police-areas")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("PUT enterprise", Admins, async (f, d) => Json(HttpMethod.Put, $"/api/v1/enterprises/{d}-{EnterpriseFixture.NewCode()}", await f.EnterpriseBodyAsync(d)), HttpStatusCode.Created, HttpStatusCode.NotFound),
        new("GET enterprise", Staff, async (f, d) => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/enterprises/{await f.EnterpriseInAsync(d)}"), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("DELETE enterprise", Admins, async (f, d) => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/enterprises/{await f.EnterpriseInAsync(d)}"), HttpStatusCode.NoContent, HttpStatusCode.NotFound),
        new("GET enterprise cases", [.. Supervisors, GW], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/enterprises/{d}-{EnterpriseFixture.NewCode()}/cases")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET grid enterprises", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/territory/{f.GridOf(d)}/enterprises")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("POST enterprises import", Admins, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/districts/{d}/enterprises/import")
        {
            Content = new StringContent("credit_code,name,address,lat,lon,industry,employee_count,party_organization_id,contact_name,contact_phone\n", Encoding.UTF8, "text/csv"),
        }), HttpStatusCode.OK, HttpStatusCode.NotFound),
        // Cameras: a fresh code per request, in the district's grid; no such camera is a 404 for whoever may ask.
        new("PUT camera", Admins, (f, d) => Task.FromResult(Json(HttpMethod.Put, $"/api/v1/cameras/{d}0000132{Interlocked.Increment(ref _camera):D7}", FormattableString.Invariant($$"""{"name":"Gate","lat":{{Fresh.Origin(d).Lat + 0.05}},"lon":{{Fresh.Origin(d).Lon + 0.05}},"labels":[{"label":"litter","category":"event.other","threshold":0.5}]}"""))), HttpStatusCode.Created, HttpStatusCode.NotFound),
        new("GET camera", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/cameras/{d}00001320000000")), HttpStatusCode.NotFound, HttpStatusCode.NotFound),
        new("DELETE camera", Admins, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/cameras/{d}00001320000000")), HttpStatusCode.NotFound, HttpStatusCode.NotFound),
        // The fixture's app is a residents' app: honest sources refuse its detection (403 naming source) before anything else.
        new("POST camera detection", [AP], (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/cameras/{d}00001320000000/detections", """{"label":"litter","confidence":0.9,"snapshotUrl":"https://cam.example.org/1.jpg","time":"2026-01-01T00:00:00Z"}""")), HttpStatusCode.Forbidden, HttpStatusCode.NotFound),
        new("GET cameras", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/districts/{d}/cameras")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET camera layer", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/districts/{d}/layers/cameras")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("PUT service point", Admins, (f, d) => Task.FromResult(Json(HttpMethod.Put, $"/api/v1/service-points/{d}-SP{Guid.NewGuid():N}", ServicePointBody(d))), HttpStatusCode.Created, HttpStatusCode.NotFound),
        new("GET service point", Staff, async (f, d) => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/service-points/{await ServicePointInAsync(f, d)}"), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("DELETE service point", Admins, async (f, d) => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/service-points/{await ServicePointInAsync(f, d)}"), HttpStatusCode.NoContent, HttpStatusCode.NotFound),
        new("GET service points", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/districts/{d}/service-points")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET service points near", [.. Staff, AP], (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, FormattableString.Invariant($"/api/v1/service-points/near?lat={Fresh.Origin(d).Lat + 0.05}&lon={Fresh.Origin(d).Lon + 0.05}&district={d}"))), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET service coverage", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/territory/{d}001001/service-coverage")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET service point layer", Staff, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/districts/{d}/layers/service-points")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        // Patrols: walked by grid workers (the key's staff id); a point from 2000 is refused by the patrol (400), not the policy.
        new("POST patrol", [GW], (f, d) => Task.FromResult(Json(HttpMethod.Post, "/api/v1/patrols", $$"""{"gridCode":"{{f.GridOf(d)}}"}""")), HttpStatusCode.Created, HttpStatusCode.NotFound),
        new("GET patrol", Handlers, async (f, d) => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/patrols/{await f.PatrolInAsync(d)}"), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("POST patrol points", [GW], async (f, d) => Json(HttpMethod.Post, $"/api/v1/patrols/{await f.PatrolInAsync(d)}/points", """{"batch":1,"points":[{"lat":1,"lon":1,"at":"2000-01-01T00:00:00Z"}]}"""), HttpStatusCode.BadRequest, HttpStatusCode.NotFound),
        new("POST patrol end", [GW], async (f, d) => Json(HttpMethod.Post, $"/api/v1/patrols/{await f.PatrolInAsync(d, "end")}/end", "{}"), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("POST patrol visit", [GW], async (f, d) => Json(HttpMethod.Post, $"/api/v1/patrols/{await f.PatrolInAsync(d)}/visits", $$"""{"householdId":"{{d}}-Hnone"}"""), HttpStatusCode.BadRequest, HttpStatusCode.NotFound),
        new("GET patrol track", Supervisors, async (f, d) => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/patrols/{await f.PatrolInAsync(d)}/track"), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET grid patrol stats", Handlers, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/territory/{f.GridOf(d)}/patrol-stats")), HttpStatusCode.OK, HttpStatusCode.NotFound),
        new("GET worker patrol stats", Handlers, (f, d) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/districts/{d}/workers/w-1/patrol-stats")), HttpStatusCode.OK, HttpStatusCode.NotFound),
    ];

    private static int _camera;

    private static string ServicePointBody(string d) =>
        FormattableString.Invariant($$"""{"kind":"clinic","name":"Clinic","lat":{{Fresh.Origin(d).Lat + 0.05}},"lon":{{Fresh.Origin(d).Lon + 0.05}}}""");

    /// <summary>A fresh service point of the district, put by the operator.</summary>
    private static async Task<string> ServicePointInAsync(SecurityFixture f, string d)
    {
        var id = $"{d}-SP{Guid.NewGuid():N}";
        using var op = f.Api.CreateOperatorClient();
        await (await op.PutJsonAsync($"/api/v1/service-points/{id}", ServicePointBody(d))).AssertOkAsync(HttpStatusCode.Created);
        return id;
    }

    /// <summary>Every action on the finished case: the state refuses it (409) whoever may try, so 403 is the policy's.</summary>
    private static IEnumerable<Endpoint> Actions(string[] allowed, params string[] actions) => actions.Select(action => new Endpoint(
        $"POST case {action}",
        allowed,
        (f, d) => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/cases/{f.ClosedCase[d]}/{action}", "{}")),
        HttpStatusCode.Conflict,
        HttpStatusCode.NotFound));

    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var endpoint in Endpoints)
        {
            foreach (var role in Roles.All)
            {
                data.Add(endpoint.Name, role, false);
                data.Add(endpoint.Name, role, true);
            }
        }

        return data;
    }

    public static TheoryData<string> EndpointNames() => new(Endpoints.Select(e => e.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_role_gets_exactly_its_status(string endpointName, string role, bool otherDistrict)
    {
        var endpoint = Endpoints.Single(e => e.Name == endpointName);
        var district = otherDistrict ? fixture.B : fixture.A;
        var expected = !endpoint.Allowed.Contains(role) ? HttpStatusCode.Forbidden
            : otherDistrict && role != Roles.Operator ? endpoint.Other
            : endpoint.Own;

        using var client = fixture.Client(role);
        using var response = await client.SendAsync(await endpoint.Request(fixture, district), HttpCompletionOption.ResponseHeadersRead);

        // An event stream never ends: its status and headers are the answer.
        var body = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? "(event stream)" : await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{endpointName} as {role} ({(otherDistrict ? "other" : "own")} district): expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        if ((int)expected >= 400)
        {
            await response.AssertProblemAsync(expected);
        }
    }

    [Theory]
    [MemberData(nameof(EndpointNames))]
    public async Task Without_a_key_every_endpoint_but_a_public_page_is_401(string endpointName)
    {
        var endpoint = Endpoints.Single(e => e.Name == endpointName);
        using var client = fixture.Api.CreateClient();
        using var response = await client.SendAsync(await endpoint.Request(fixture, fixture.A));
        if (endpoint.Public)
        {
            // A public page (a village's notice board) answers without a key.
            await response.AssertOkAsync();
            return;
        }

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);

        using var wrong = fixture.Api.CreateClient("gg_0123456789abcdef_" + new string('x', 43));
        using var refused = await wrong.SendAsync(await endpoint.Request(fixture, fixture.A));
        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Locate_for_a_district_caller_never_answers_with_another_district()
    {
        using var client = fixture.Client(Roles.App);
        var (x, y) = Fresh.Origin(fixture.B);
        var answer = await (await client.GetAsync(FormattableString.Invariant($"/api/v1/locate?lat={y + 0.05}&lon={x + 0.05}"))).AssertOkAsync();
        Assert.False(answer.GetProperty("found").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, answer.GetProperty("fallback").ValueKind);
    }

    [Fact]
    public async Task Importing_into_another_district_rejects_every_feature()
    {
        using var client = fixture.Client(Roles.DistrictAdmin);
        var (x, y) = Fresh.Origin(fixture.B);
        var body = Geo.Collection(Geo.Feature($"{fixture.B}002", "Intruder", Geo.Box(x, y, x + 0.1, y + 0.1)));
        var result = await (await client.PostJsonAsync("/api/v1/territory/import", body)).AssertOkAsync();
        Assert.Equal(0, result.GetProperty("created").GetArrayLength());
        Assert.Equal(1, result.GetProperty("rejected").GetArrayLength());
        using var op = fixture.Api.CreateOperatorClient();
        await (await op.GetAsync($"/api/v1/territory/{fixture.B}002")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
