using System.Net;
using System.Text;
using GridGov.Tests.Api;

namespace GridGov.Tests.People;

public sealed class HouseholdImportTests(PeopleFixture f) : IClassFixture<PeopleFixture>
{
    private Task<HttpResponseMessage> ImportAsync(string csv) =>
        f.Operator.PostAsync("/api/v1/households/import", new StringContent(csv, Encoding.UTF8, "text/csv"));

    [Fact]
    public async Task Good_rows_are_imported_bad_rows_reported_by_line_and_a_reimport_changes_nothing()
    {
        var good = PeopleFixture.IdNumber($"{f.D}19560101001");
        var bad = good[..17] + (good[17] == '0' ? '1' : '0');
        var csv = $"""
            household_id,grid_code,micro_grid_code,building,unit,room,resident_name,gender,birth_year,relation,residence_type,id_number,phone,care_tags
            imp-1,{f.Grid1},,7,1,101,张三,male,1956,户主,registered,{good},13912345678,elderly-alone;veteran
            imp-1,{f.Grid1},,7,1,101,李梅,女,1958,配偶,常住,,,
            imp-2,{f.Grid1},,7,1,102,王五,male,1990,户主,floating,{bad},,
            imp-3,{f.Grid2},,8,,201,赵六,female,2030,户主,registered,,,
            imp-4,{f.Grid2},,8,,202,钱七,female,1985,户主,registered,,139-0000-1111,left-behind-child
            """;

        var result = await (await ImportAsync(csv)).AssertOkAsync();
        Assert.Equal((5L, 2, 2), (result.GetProperty("rows").GetInt64(), result.GetProperty("created").GetInt32(), result.GetProperty("rejected").GetInt32()));
        var errors = result.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("field").GetString())).ToArray();
        Assert.Equal([(4L, "id_number"), (5L, "birth_year")], errors);
        Assert.DoesNotContain(bad, result.GetRawText(), StringComparison.Ordinal);

        var household = await (await f.Operator.GetAsync($"/api/v1/households/{f.D}-Himp-1")).AssertOkAsync();
        Assert.Equal(2, household.GetProperty("residents").GetArrayLength());
        Assert.Equal(["elderly-alone", "veteran"], household.GetProperty("residents")[0].GetProperty("careTags").EnumerateArray().Select(t => t.GetString()!).ToArray());
        await (await f.Operator.GetAsync($"/api/v1/households/{f.D}-Himp-2")).AssertProblemAsync(HttpStatusCode.NotFound);

        var again = await (await ImportAsync(csv)).AssertOkAsync();
        Assert.Equal((0, 0, 2), (again.GetProperty("created").GetInt32(), again.GetProperty("updated").GetInt32(), again.GetProperty("unchanged").GetInt32()));
    }

    [Fact]
    public async Task A_file_without_the_columns_or_of_another_type_is_refused()
    {
        await (await ImportAsync("household_id,grid_code\nx,1")).AssertProblemAsync(HttpStatusCode.BadRequest, "body");
        await (await f.Operator.PostAsync("/api/v1/households/import", new StringContent("a,b", Encoding.UTF8, "application/json"))).AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }
}

public sealed class MemberImportTests(PeopleFixture f) : IClassFixture<PeopleFixture>
{
    [Fact]
    public async Task Members_are_imported_linked_to_their_households_and_bad_rows_reported()
    {
        var organization = $"{f.D}-PO77";
        await (await f.Operator.PutJsonAsync($"/api/v1/party-organizations/{organization}", $$"""{"kind":"branch","name":"Branch 77","partyGridId":"{{f.D}}-PG1"}""")).AssertOkAsync(System.Net.HttpStatusCode.Created);
        foreach (var h in new[] { "mi-1", "mi-2" })
        {
            await (await f.Operator.PutJsonAsync($"/api/v1/households/{f.D}-H{h}", $$"""{"gridCode":"{{f.Grid1}}","building":"9","room":"{{h}}"}""")).AssertOkAsync(System.Net.HttpStatusCode.Created);
        }

        var csv = $"""
            member_id,name,organization_id,status,mobile,joined,phone,household_ids
            m-1,周一,{organization},full,false,1999-07-01,13600001234,mi-1;mi-2
            m-2,吴二,{organization},预备,是,2024-01-15,,
            m-3,郑三,{organization},honorary,false,2001-01-01,,
            """;
        Task<HttpResponseMessage> Import() => f.Operator.PostAsync("/api/v1/party-members/import", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"));

        var result = await (await Import()).AssertOkAsync();
        Assert.Equal((3L, 2, 1, 2), (result.GetProperty("rows").GetInt64(), result.GetProperty("created").GetInt32(), result.GetProperty("rejected").GetInt32(), result.GetProperty("links").GetInt32()));
        Assert.Equal([(4L, "status")], result.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("field").GetString())).ToArray());

        var member = await (await f.Operator.GetAsync($"/api/v1/party-members/{f.D}-Mm-1")).AssertOkAsync();
        Assert.Equal([$"{f.D}-Hmi-1", $"{f.D}-Hmi-2"], member.GetProperty("households").EnumerateArray().Select(h => h.GetString()!).Order().ToArray());
        Assert.Equal($"{f.D}-Mm-1", (await (await f.Operator.GetAsync($"/api/v1/households/{f.D}-Hmi-2")).AssertOkAsync()).GetProperty("linkedMemberId").GetString());

        var again = await (await Import()).AssertOkAsync();
        Assert.Equal((0, 0, 2), (again.GetProperty("created").GetInt32(), again.GetProperty("updated").GetInt32(), again.GetProperty("unchanged").GetInt32()));
    }
}

public sealed class ImportJobTests(PeopleFixture f) : IClassFixture<PeopleFixture>
{
    [Fact]
    public async Task A_background_import_reports_progress_and_its_result()
    {
        var rows = string.Join("\n", Enumerable.Range(1, 300).Select(i => $"job-{i},{f.Grid1},,12,1,{i},居民{i},female,1970,户主,registered,,,"));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/households/import")
        {
            Content = new StringContent($"household_id,grid_code,micro_grid_code,building,unit,room,resident_name,gender,birth_year,relation,residence_type,id_number,phone,care_tags\n{rows}\n", System.Text.Encoding.UTF8, "text/csv"),
        };
        request.Headers.Add("Prefer", "respond-async");
        var accepted = await f.Operator.SendAsync(request);
        var job = await accepted.AssertOkAsync(System.Net.HttpStatusCode.Accepted);
        var location = accepted.Headers.Location!.OriginalString;
        Assert.Equal($"/api/v1/import-jobs/{job.GetProperty("id").GetString()}", location);

        var done = await GridGov.Tests.Infrastructure.Eventually.MatchesAsync(
            async () => await (await f.Operator.GetAsync(location)).AssertOkAsync(),
            j => j.GetProperty("status").GetString() != "running",
            $"import job {location} to finish");
        Assert.Equal(("completed", 100), (done.GetProperty("status").GetString(), done.GetProperty("percent").GetInt32()));
        Assert.Equal(300, done.GetProperty("result").GetProperty("created").GetInt32());

        using var stranger = f.Api.CreateClient(await f.Api.CreateKeyAsync(GridGov.Contracts.Security.Roles.DistrictAdmin, GridGov.Tests.Infrastructure.Fresh.District()));
        await (await stranger.GetAsync(location)).AssertProblemAsync(System.Net.HttpStatusCode.NotFound);
    }
}
