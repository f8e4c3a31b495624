using System.Net;
using System.Text.Json;
using GridGov.Tests.Api;
using GridGov.Tests.Cases;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Security;

/// <summary>Reads that return personal data are audited with the caller, the data subject and the X-Purpose header.</summary>
public sealed class PersonalDataReadTests(CaseFixture f) : IClassFixture<CaseFixture>
{
    /// <summary>The audit lines of one data subject, once at least <paramref name="count"/> are committed (they are written after the answer).</summary>
    private async Task<JsonElement[]> AuditOfAsync(string subject, int count = 1) =>
        await Eventually.MatchesAsync(
            async () => (await (await f.Operator.GetAsync($"/api/v1/audit?subject={Uri.EscapeDataString(subject)}&limit=100")).AssertOkAsync())
                .GetProperty("items").EnumerateArray().ToArray(),
            items => items.Length >= count,
            $"{count} audit line(s) of {subject}");

    private static HttpRequestMessage Get(string path, string? purpose)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (purpose is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Purpose", purpose);
        }

        return request;
    }

    /// <summary>A client of the fixture's app key that sends no purpose of its own.</summary>
    private HttpClient WithoutPurpose(HttpClient client)
    {
        var bare = f.Api.CreateClient();
        bare.DefaultRequestHeaders.Add("X-Api-Key", client.DefaultRequestHeaders.GetValues("X-Api-Key").Single());
        return bare;
    }

    [Fact]
    public async Task An_app_states_its_purpose_to_read_a_case_and_the_read_is_audited_with_it()
    {
        var id = (await f.ReportAsync(f.App, f.Report(source: "residentApp"))).GetProperty("id").GetString()!;
        using var app = WithoutPurpose(f.App);

        await (await app.GetAsync($"/api/v1/cases/{id}")).AssertProblemAsync(HttpStatusCode.BadRequest, "X-Purpose");
        await (await app.SendAsync(Get($"/api/v1/cases/{id}", new string('x', 201)))).AssertProblemAsync(HttpStatusCode.BadRequest, "X-Purpose");
        await (await app.GetAsync($"/api/v1/cases/{id}/history")).AssertProblemAsync(HttpStatusCode.BadRequest, "X-Purpose");
        await (await app.SendAsync(Get($"/api/v1/cases/{id}", "status shown to the reporter"))).AssertOkAsync();

        var line = Assert.Single(await AuditOfAsync($"case:{id}"));
        Assert.Equal(("app", "GET /api/v1/cases/{id}", "status shown to the reporter", 200), (
            line.GetProperty("role").GetString(), line.GetProperty("action").GetString(), line.GetProperty("purpose").GetString(), line.GetProperty("status").GetInt32()));
        Assert.Equal(f.District, line.GetProperty("district").GetString());
    }

    [Fact]
    public async Task Staff_reads_of_a_reporter_are_audited_with_or_without_a_purpose_and_lists_name_each_case()
    {
        var id = (await f.ReportAsync(f.Operator)).GetProperty("id").GetString()!;
        using var staff = WithoutPurpose(f.CommandCentre);

        var read = await (await staff.GetAsync($"/api/v1/cases/{id}")).AssertOkAsync();
        Assert.Equal("139****5678", read.GetProperty("reporter").GetProperty("phoneMasked").GetString());
        await (await staff.SendAsync(Get($"/api/v1/cases/{id}/history", "callback 12345"))).AssertOkAsync();
        await Eventually.TrueAsync(
            async () => (await (await staff.GetAsync($"/api/v1/cases?territory={f.Grid1}&limit=100")).AssertOkAsync())
                .GetProperty("items").EnumerateArray().Any(c => c.GetProperty("id").GetString() == id),
            "the case in the read model's list");

        var lines = await AuditOfAsync($"case:{id}", 3);
        Assert.Contains(lines, l => l.GetProperty("action").GetString() == "GET /api/v1/cases/{id}" && l.GetProperty("purpose").ValueKind == JsonValueKind.Null);
        Assert.Contains(lines, l => l.GetProperty("action").GetString() == "GET /api/v1/cases/{id}/history" && l.GetProperty("purpose").GetString() == "callback 12345");
        Assert.Contains(lines, l => l.GetProperty("action").GetString()!.TrimEnd('/') == "GET /api/v1/cases");
        Assert.All(lines, l => Assert.Equal("command-centre", l.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task Household_and_member_reads_are_audited_under_their_subjects_and_the_filter_is_checked()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var household = $"{f.District}-Hpd{suffix}";
        await (await f.Operator.PutJsonAsync($"/api/v1/households/{household}", $$"""{"gridCode":"{{f.Grid1}}","building":"1","room":"101","residents":[{"id":"{{f.District}}-Rpd{{suffix}}","name":"李四","gender":"female","birthYear":1950,"relation":"head","residenceType":"registered","phone":"13800001111"}]}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await f.Operator.PutJsonAsync($"/api/v1/party-grids/{f.District}-PG9", $$"""{"name":"PG","gridCodes":["{{f.Grid1}}"]}""")).AssertOkAsync(HttpStatusCode.Created);
        var organization = $"{f.District}-POpd{suffix}";
        await (await f.Operator.PutJsonAsync($"/api/v1/party-organizations/{organization}", $$"""{"kind":"branch","name":"Branch","partyGridId":"{{f.District}}-PG9"}""")).AssertOkAsync(HttpStatusCode.Created);
        var member = $"{f.District}-Mpd{suffix}";
        await (await f.Operator.PutJsonAsync($"/api/v1/party-members/{member}", $$"""{"name":"周一","status":"full","joined":"2000-07-01","organizationId":"{{organization}}","phone":"13600001234"}""")).AssertOkAsync(HttpStatusCode.Created);

        await (await f.Operator.SendAsync(Get($"/api/v1/households/{household}", "welfare visit"))).AssertOkAsync();
        await (await f.Operator.SendAsync(Get($"/api/v1/party-members/{member}", "branch meeting"))).AssertOkAsync();

        var householdLine = Assert.Single(await AuditOfAsync($"household:{household}"));
        Assert.Equal(("welfare visit", household), (householdLine.GetProperty("purpose").GetString(), householdLine.GetProperty("entity").GetString()));
        var memberLine = Assert.Single(await AuditOfAsync($"member:{member}"));
        Assert.Equal("branch meeting", memberLine.GetProperty("purpose").GetString());

        await (await f.Operator.GetAsync("/api/v1/audit?subject=key-1")).AssertProblemAsync(HttpStatusCode.BadRequest, "subject");
        await (await f.Operator.SendAsync(Get($"/api/v1/households/{household}", "line\u0001break"))).AssertProblemAsync(HttpStatusCode.BadRequest, "X-Purpose");
    }
}
