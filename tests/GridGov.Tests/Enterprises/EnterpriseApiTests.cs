using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Enterprises;

public sealed class EnterpriseApiTests(EnterpriseFixture f) : IClassFixture<EnterpriseFixture>
{
    [Fact]
    public async Task An_enterprise_is_placed_in_its_grid_updated_with_if_match_and_deleted()
    {
        var id = $"{f.A}-{EnterpriseFixture.NewCode()}";
        var contact = $$""","partyOrganizationId":"{{f.A}}-PO1","contact":{"name":"陈经理","phone":"13812345678"}""";
        var created = await f.Admin.PutJsonAsync($"/api/v1/enterprises/{id}", EnterpriseFixture.Body(f.A, 2, extra: contact));
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        var body = await created.AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal((EnterpriseFixture.Grid2(f.A), id[7..], "138****5678"), (body.GetProperty("gridCode").GetString(), body.GetProperty("creditCode").GetString(), body.GetProperty("contact").GetProperty("phoneMasked").GetString()));
        Assert.DoesNotContain("13812345678", body.GetRawText(), StringComparison.Ordinal);

        // The same PUT again changes nothing; a stale If-Match is refused; a move to grid 1 is an update.
        Assert.Equal(1, (await (await f.Admin.PutJsonAsync($"/api/v1/enterprises/{id}", EnterpriseFixture.Body(f.A, 2, extra: contact))).AssertOkAsync()).GetProperty("version").GetInt64());
        await (await f.Admin.PutJsonAsync($"/api/v1/enterprises/{id}", EnterpriseFixture.Body(f.A, 1), r => r.Headers.IfMatch.ParseAdd("\"7\""))).AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        var moved = await (await f.Admin.PutJsonAsync($"/api/v1/enterprises/{id}", EnterpriseFixture.Body(f.A, 1), r => r.Headers.IfMatch.ParseAdd("\"1\""))).AssertOkAsync();
        Assert.Equal((EnterpriseFixture.Grid1(f.A), 2L), (moved.GetProperty("gridCode").GetString(), moved.GetProperty("version").GetInt64()));

        var read = await (await f.Worker.GetAsync($"/api/v1/enterprises/{id}")).AssertOkAsync();
        Assert.Equal(JsonValueKind.Null, read.GetProperty("contact").ValueKind);

        await (await f.Worker.DeleteAsync($"/api/v1/enterprises/{id}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await f.Admin.DeleteAsync($"/api/v1/enterprises/{id}")).StatusCode);
        await (await f.Admin.GetAsync($"/api/v1/enterprises/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await f.Admin.DeleteAsync($"/api/v1/enterprises/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Each_bad_field_is_a_400_naming_it()
    {
        // Its lower-case form is one of the bad ids below: a code ending in a digit (1 in 31) would not change.
        var id = $"{f.A}-{EnterpriseFixture.NewCodeWithLetter()}";
        var (x, y) = Fresh.Origin(f.A);
        Task<HttpResponseMessage> Put(string body, string? at = null) => f.Admin.PutJsonAsync($"/api/v1/enterprises/{at ?? id}", body);

        await (await Put(EnterpriseFixture.Body(f.A), id.ToLowerInvariant())).AssertProblemAsync(HttpStatusCode.BadRequest, "id");
        await (await Put(EnterpriseFixture.Body(f.A), id[..^1] + (id[^1] == '0' ? '1' : '0'))).AssertProblemAsync(HttpStatusCode.BadRequest, "id");
        // In the community but in none of its grids.
        await (await Put(string.Create(CultureInfo.InvariantCulture, $$"""{"name":"N","address":"A","lat":{{y + 0.15}},"lon":{{x + 0.05}},"industry":"I","employeeCount":1}"""))).AssertProblemAsync(HttpStatusCode.BadRequest, "lat");
        await (await Put(EnterpriseFixture.Body(f.A, extra: $$""","partyOrganizationId":"{{f.A}}-PO404" """))).AssertProblemAsync(HttpStatusCode.BadRequest, "partyOrganizationId");
        await (await Put(EnterpriseFixture.Body(f.A, extra: $$""","partyOrganizationId":"{{f.B}}-PO1" """))).AssertProblemAsync(HttpStatusCode.BadRequest, "partyOrganizationId");
        await (await Put(EnterpriseFixture.Body(f.A, extra: ""","contact":{"phone":"12ab"}"""))).AssertProblemAsync(HttpStatusCode.BadRequest, "contact.phone");
        await (await Put(EnterpriseFixture.Body(f.A).Replace("\"employeeCount\":42", "\"employeeCount\":-1", StringComparison.Ordinal))).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await Put(EnterpriseFixture.Body(f.A).Replace("\"name\":\"海口某科技有限公司\"", "\"name\":\"  \"", StringComparison.Ordinal))).AssertProblemAsync(HttpStatusCode.BadRequest, "name");

        // Nothing was written by any of them.
        await (await f.Admin.GetAsync($"/api/v1/enterprises/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Lists_per_grid_and_per_community_page_by_id()
    {
        var d = f.B;
        string[] inGrid1 = [await f.EnterpriseAsync(d, 1), await f.EnterpriseAsync(d, 1)];
        var inGrid2 = await f.EnterpriseAsync(d, 2);

        async Task<string[]> ListAsync(string code) =>
            (await (await f.Operator.GetAsync($"/api/v1/territory/{code}/enterprises?limit=500")).AssertOkAsync())
                .GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToArray();

        Assert.Equal(inGrid1.Order(StringComparer.Ordinal), (await ListAsync(EnterpriseFixture.Grid1(d))).Where(inGrid1.Contains));
        Assert.DoesNotContain(inGrid2, await ListAsync(EnterpriseFixture.Grid1(d)));
        Assert.Superset(new HashSet<string>([.. inGrid1, inGrid2]), (await ListAsync(EnterpriseFixture.Community(d))).ToHashSet());

        var first = await (await f.Operator.GetAsync($"/api/v1/territory/{EnterpriseFixture.Community(d)}/enterprises?limit=1")).AssertOkAsync();
        var cursor = first.GetProperty("nextCursor").GetString()!;
        var second = await (await f.Operator.GetAsync($"/api/v1/territory/{EnterpriseFixture.Community(d)}/enterprises?limit=1&cursor={cursor}")).AssertOkAsync();
        Assert.True(string.CompareOrdinal(second.GetProperty("items")[0].GetProperty("id").GetString(), cursor) > 0);
        await (await f.Operator.GetAsync($"/api/v1/territory/{EnterpriseFixture.Community(d)}/enterprises?cursor=x")).AssertProblemAsync(HttpStatusCode.BadRequest, "cursor");
    }

    [Fact]
    public async Task An_import_writes_good_rows_reports_bad_ones_by_line_and_column_and_changes_nothing_again()
    {
        var (lat, lon) = EnterpriseFixture.In(f.A, 2);
        var good = EnterpriseFixture.NewCode();
        var other = EnterpriseFixture.NewCode();
        var wrongCheck = good[..17] + (good[17] == '0' ? '1' : '0');
        var (x, y) = Fresh.Origin(f.A);
        var csv = string.Create(CultureInfo.InvariantCulture, $"""
            credit_code,name,address,lat,lon,industry,employee_count,party_organization_id,contact_name,contact_phone
            {good},椰风食品有限公司,龙昆南路 8 号,{lat},{lon},食品制造,120,{f.A}-PO1,林女士,0898-66123456
            {wrongCheck},错码公司,某路,{lat},{lon},零售,3,,,
            {other},远方公司,某路,{y + 0.15},{x + 0.05},零售,3,,,
            {EnterpriseFixture.NewCode()},无人公司,某路,{lat},{lon},零售,many,,,
            {EnterpriseFixture.NewCode()},无党公司,某路,{lat},{lon},零售,5,{f.A}-PO999,,
            """);
        Task<HttpResponseMessage> Import(HttpClient client, string district) =>
            client.PostAsync($"/api/v1/districts/{district}/enterprises/import", new StringContent(csv, Encoding.UTF8, "text/csv"));

        var result = await (await Import(f.Admin, f.A)).AssertOkAsync();
        Assert.Equal((5L, 1, 4), (result.GetProperty("rows").GetInt64(), result.GetProperty("created").GetInt32(), result.GetProperty("rejected").GetInt32()));
        var errors = result.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("field").GetString())).ToArray();
        Assert.Equal([(3L, "credit_code"), (4L, "lat"), (5L, "employee_count"), (6L, "party_organization_id")], errors);
        Assert.Equal(wrongCheck, result.GetProperty("errors")[0].GetProperty("creditCode").GetString());

        var imported = await (await f.Admin.GetAsync($"/api/v1/enterprises/{f.A}-{good}")).AssertOkAsync();
        Assert.Equal((EnterpriseFixture.Grid2(f.A), 120, "089*****3456"), (imported.GetProperty("gridCode").GetString(), imported.GetProperty("employeeCount").GetInt32(), imported.GetProperty("contact").GetProperty("phoneMasked").GetString()));

        var again = await (await Import(f.Admin, f.A)).AssertOkAsync();
        Assert.Equal((0, 0, 1), (again.GetProperty("created").GetInt32(), again.GetProperty("updated").GetInt32(), again.GetProperty("unchanged").GetInt32()));

        // Another district's import does not exist for A's admin.
        await (await Import(f.Admin, f.B)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_case_names_an_enterprise_of_its_district_and_the_enterprise_lists_its_cases()
    {
        var id = await f.EnterpriseAsync(f.A, 1);
        var (lat, lon) = EnterpriseFixture.In(f.A, 1);
        string Report(string enterprise) => string.Create(CultureInfo.InvariantCulture,
            $$"""{"category":"event.other","description":"排污","source":"gridPatrol","lat":{{lat}},"lon":{{lon}},"enterpriseId":"{{enterprise}}"}""");

        var reported = await (await f.Admin.PostJsonAsync("/api/v1/cases", Report(id))).AssertOkAsync(HttpStatusCode.Created);
        var caseId = reported.GetProperty("id").GetString()!;
        Assert.Equal(id, reported.GetProperty("enterpriseId").GetString());
        Assert.Equal(id, (await (await f.Admin.GetAsync($"/api/v1/cases/{caseId}")).AssertOkAsync()).GetProperty("enterpriseId").GetString());

        await (await f.Admin.PostJsonAsync("/api/v1/cases", Report($"{f.A}-{EnterpriseFixture.NewCode()}"))).AssertProblemAsync(HttpStatusCode.BadRequest, "enterpriseId");
        await (await f.Admin.PostJsonAsync("/api/v1/cases", Report(await f.EnterpriseAsync(f.B, 1)))).AssertProblemAsync(HttpStatusCode.BadRequest, "enterpriseId");
        await (await f.Admin.PostJsonAsync("/api/v1/cases", Report("not-an-id"))).AssertProblemAsync(HttpStatusCode.BadRequest, "enterpriseId");

        var listed = await Eventually.MatchesAsync(
            async () => await (await f.Admin.GetAsync($"/api/v1/enterprises/{id}/cases")).AssertOkAsync(),
            page => page.GetProperty("items").GetArrayLength() == 1,
            "the enterprise's case in its list");
        Assert.Equal(caseId, listed.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(0, (await (await f.Admin.GetAsync($"/api/v1/enterprises/{await f.EnterpriseAsync(f.A, 2)}/cases")).AssertOkAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Another_districts_enterprises_do_not_exist_for_a_district_key()
    {
        var id = await f.EnterpriseAsync(f.B);
        await (await f.Admin.GetAsync($"/api/v1/enterprises/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await f.Admin.PutJsonAsync($"/api/v1/enterprises/{id}", EnterpriseFixture.Body(f.B))).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await f.Admin.DeleteAsync($"/api/v1/enterprises/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await f.Admin.GetAsync($"/api/v1/enterprises/{id}/cases")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await f.Admin.GetAsync($"/api/v1/territory/{EnterpriseFixture.Grid1(f.B)}/enterprises")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await f.Operator.GetAsync($"/api/v1/enterprises/{id}")).StatusCode);
    }
}
