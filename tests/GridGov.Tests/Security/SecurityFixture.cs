using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Security;

/// <summary>
/// Two districts, each with a grid and a Party-building grid, and a key of every role scoped to district A
/// (the operator's scope is every district).
/// </summary>
public sealed class SecurityFixture : IAsyncLifetime
{
    public ApiFactory Api { get; } = new(Fresh.TempFolder(), new Dictionary<string, string?> { ["GridGov:Webhooks:AllowInsecureUrls"] = "true" });

    public string A { get; } = Fresh.District();

    public string B { get; } = Fresh.District();

    private int _fresh;

    public Dictionary<string, string> Keys { get; } = [];

    public string GridOf(string district) => $"{district}001001001";

    public string PeopleGridOf(string district) => $"{district}001001002";

    public string HouseholdBody(string d) => $$"""{"gridCode":"{{PeopleGridOf(d)}}","building":"1","room":"101"}""";

    public static string OrganizationBody(string d) => $$"""{"kind":"branch","name":"Branch","partyGridId":"{{d}}-PG1"}""";

    public static string MemberBody(string d) => $$"""{"name":"M","status":"full","mobile":false,"joined":"2000-07-01","organizationId":"{{d}}-PO1"}""";

    public async Task InitializeAsync()
    {
        using var op = Api.CreateOperatorClient();
        foreach (var d in new[] { A, B })
        {
            var (x, y) = Fresh.Origin(d);
            var body = Geo.Collection(
                Geo.Feature(d, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
                Geo.Feature($"{d}001", "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
                Geo.Feature($"{d}001001", "Community", Geo.Box(x, y, x + 0.2, y + 0.2)),
                Geo.Feature(GridOf(d), "Grid", Geo.Box(x, y, x + 0.1, y + 0.1)));
            await (await op.PostJsonAsync("/api/v1/territory/import", body)).AssertOkAsync();
            await op.AddStaffAsync(d, ("w-1", "gridWorker"));
            await (await op.PutJsonAsync($"/api/v1/party-grids/{d}-PG1", $$"""{"name":"PG","gridCodes":["{{GridOf(d)}}"]}""")).AssertOkAsync(System.Net.HttpStatusCode.Created);

            // People: a grid whose staff includes grid worker w-1, a household there, a branch and a member.
            await (await op.PutJsonAsync($"/api/v1/territory/{PeopleGridOf(d)}", """{"name":"Grid 2","staff":[{"id":"w-1","name":"W","role":"gridWorker"}]}""")).AssertOkAsync(System.Net.HttpStatusCode.Created);
            await (await op.PutJsonAsync($"/api/v1/households/{d}-H1", HouseholdBody(d))).AssertOkAsync(System.Net.HttpStatusCode.Created);
            await (await op.PutJsonAsync($"/api/v1/party-organizations/{d}-PO1", OrganizationBody(d))).AssertOkAsync(System.Net.HttpStatusCode.Created);
            await (await op.PutJsonAsync($"/api/v1/party-members/{d}-M1", MemberBody(d))).AssertOkAsync(System.Net.HttpStatusCode.Created);

            // A village on the community, with a decision just opened.
            await (await op.PutJsonAsync($"/api/v1/villages/{d}001001", """{"name":"Village"}""")).AssertOkAsync();
            Decision[d] = (await (await op.PostJsonAsync($"/api/v1/villages/{d}001001/decisions", """{"matter":"Matrix","kind":"other","origin":"higherLevel"}"""))
                .AssertOkAsync(System.Net.HttpStatusCode.Created)).GetProperty("id").GetString()!;
        }

        foreach (var role in Roles.All)
        {
            Keys[role] = await Api.CreateKeyAsync(role, role == Roles.Operator ? Scopes.All : A, staffId: role == Roles.GridWorker ? "w-1" : null);
        }

        // A finished case in each district: A's was reported by A's app and handled by A's grid worker, so both may
        // see it; every action on it is refused by its state, which tells a policy refusal (403) from a state one (409).
        ClosedCase[A] = await FinishedCaseAsync(A, Client(Roles.App), Client(Roles.GridWorker));
        ClosedCase[B] = await FinishedCaseAsync(B, op, op, "gridPatrol");
    }

    public Dictionary<string, string> ClosedCase { get; } = [];

    /// <summary>An open decision of each district's village, at its first step.</summary>
    public Dictionary<string, string> Decision { get; } = [];

    private async Task<string> FinishedCaseAsync(string d, HttpClient reporter, HttpClient worker, string source = "residentApp")
    {
        using var op = Api.CreateOperatorClient();
        var (x, y) = Fresh.Origin(d);
        var body = FormattableString.Invariant($$"""{"category":"event.other","description":"matrix","source":"{{source}}","lat":{{y + 0.05}},"lon":{{x + 0.05}}}""");
        var id = (await (await reporter.PostJsonAsync("/api/v1/cases", body)).AssertOkAsync(System.Net.HttpStatusCode.Created)).GetProperty("id").GetString()!;
        await (await op.PostJsonAsync($"/api/v1/cases/{id}/file", "{}")).AssertOkAsync();
        await (await op.PostJsonAsync($"/api/v1/cases/{id}/dispatch", """{"assignee":"w-1"}""")).AssertOkAsync();
        await (await worker.PostJsonAsync($"/api/v1/cases/{id}/accept", "{}")).AssertOkAsync();
        await (await worker.PostJsonAsync($"/api/v1/cases/{id}/resolve", "{}")).AssertOkAsync();
        await (await op.PostJsonAsync($"/api/v1/cases/{id}/verify", "{}")).AssertOkAsync();
        await (await reporter.PostJsonAsync($"/api/v1/cases/{id}/evaluate", """{"satisfaction":4,"resolved":true}""")).AssertOkAsync();
        return id;
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();

    /// <summary>A webhook body for the district; the URL is a closed port of this machine (plain http is allowed here).</summary>
    public static string WebhookBody(string d) => $$"""{"url":"http://127.0.0.1:9/hooks","events":["merged"],"territory":"{{d}}"}""";

    /// <summary>Registers a webhook in a district: A's as A's app (so the app and A's admins may manage it), B's as the operator.</summary>
    public async Task<string> WebhookInAsync(string district)
    {
        using var client = district == A ? Client(Roles.App) : Api.CreateOperatorClient();
        var created = await (await client.PostJsonAsync($"/api/v1/districts/{district}/webhooks", WebhookBody(district))).AssertOkAsync(System.Net.HttpStatusCode.Created);
        return created.GetProperty("id").GetString()!;
    }

    /// <summary>A throwaway department of the district (registered by the operator), for a DELETE.</summary>
    public async Task<string> DepartmentInAsync(string district)
    {
        using var op = Api.CreateOperatorClient();
        var code = $"m{Guid.NewGuid():N}"[..20];
        await (await op.PutJsonAsync($"/api/v1/districts/{district}/departments/{code}", """{"name":"Matrix","contact":"0898 1234"}""")).AssertOkAsync(System.Net.HttpStatusCode.Created);
        return code;
    }

    public HttpClient Client(string role) => Api.CreateClient(Keys[role]);

    /// <summary>A throwaway household (with resident {district}-R1) on the grid of grid worker w-1, for a DELETE.</summary>
    public Task<string> FreshHouseholdAsync(string district) => FreshAsync(
        district, "H", "households",
        $$"""{"gridCode":"{{PeopleGridOf(district)}}","building":"1","room":"9","residents":[{"id":"{{district}}-R1","name":"R","gender":"female","birthYear":1960,"relation":"head","residenceType":"registered"}]}""");

    /// <summary>A throwaway branch without children or members, for a DELETE.</summary>
    public Task<string> FreshOrganizationAsync(string district) => FreshAsync(district, "PO", "party-organizations", OrganizationBody(district));

    /// <summary>A throwaway member of the district's branch, for a DELETE.</summary>
    public Task<string> FreshMemberAsync(string district) => FreshAsync(district, "M", "party-members", MemberBody(district));

    private async Task<string> FreshAsync(string district, string prefix, string collection, string body)
    {
        var id = $"{district}-{prefix}x{Interlocked.Increment(ref _fresh)}";
        using var op = Api.CreateOperatorClient();
        await (await op.PutJsonAsync($"/api/v1/{collection}/{id}", body)).AssertOkAsync(System.Net.HttpStatusCode.Created);
        return id;
    }

    /// <summary>Issues a throwaway key in a district (for tests that revoke or read keys).</summary>
    public Task<string> KeyIdInAsync(string district) =>
        Api.CreateKeyAsync(Roles.Viewer, district).ContinueWith(t => t.Result.Split('_')[1], TaskScheduler.Default);
}
