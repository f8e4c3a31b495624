using System.Net;
using System.Text;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.People;

/// <summary>Household ids in import files: a local id and the full {district}-H… id name the same household.</summary>
public sealed class HouseholdIdTests(PeopleFixture f) : IClassFixture<PeopleFixture>
{
    private const string Header = "household_id,grid_code,micro_grid_code,building,unit,room,resident_name,gender,birth_year,relation,residence_type,id_number,phone,care_tags";

    private Task<HttpResponseMessage> ImportAsync(string path, string csv) =>
        f.Operator.PostAsync(path, new StringContent(csv, Encoding.UTF8, "text/csv"));

    private string Row(string id, string name) => $"{id},{f.Grid1},,5,1,301,{name},male,1970,户主,registered,,,";

    [Fact]
    public async Task A_full_id_is_taken_as_it_is_and_its_local_form_names_the_same_household()
    {
        var local = $"hid-{Guid.NewGuid():N}"[..20];
        var full = $"{f.D}-H{local}";

        // The full id alone: the household is the one the file names, not {district}-H{district}-H….
        var first = await (await ImportAsync("/api/v1/households/import", $"{Header}\n{Row(full, "甲")}\n")).AssertOkAsync();
        Assert.Equal((1, 0), (first.GetProperty("created").GetInt32(), first.GetProperty("rejected").GetInt32()));
        await (await f.Operator.GetAsync($"/api/v1/households/{full}")).AssertOkAsync();
        await (await f.Operator.GetAsync($"/api/v1/households/{f.D}-H{full}")).AssertProblemAsync(HttpStatusCode.NotFound);

        // The same file in the local form changes nothing (the same household, the same resident ids).
        var again = await (await ImportAsync("/api/v1/households/import", $"{Header}\n{Row(local, "甲")}\n")).AssertOkAsync();
        Assert.Equal((0, 0, 1), (again.GetProperty("created").GetInt32(), again.GetProperty("updated").GetInt32(), again.GetProperty("unchanged").GetInt32()));

        // Both forms in one file are one household: its rows together, one write.
        var mixed = await (await ImportAsync("/api/v1/households/import", $"{Header}\n{Row(local, "甲")}\n{Row(full, "乙")}\n")).AssertOkAsync();
        Assert.Equal((1, 0, 0), (mixed.GetProperty("updated").GetInt32(), mixed.GetProperty("rejected").GetInt32(), mixed.GetProperty("errors").GetArrayLength()));
        var household = await (await f.Operator.GetAsync($"/api/v1/households/{full}")).AssertOkAsync();
        Assert.Equal(["甲", "乙"], household.GetProperty("residents").EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToArray());
    }

    [Fact]
    public async Task A_full_id_of_another_district_is_a_row_error_naming_the_field()
    {
        var other = Fresh.District();
        var csv = $"{Header}\n{Row($"{other}-Hforeign-1", "丙")}\n{Row("fine-1", "丁")}\n";
        var result = await (await ImportAsync("/api/v1/households/import", csv)).AssertOkAsync();
        Assert.Equal((1, 1), (result.GetProperty("created").GetInt32(), result.GetProperty("rejected").GetInt32()));
        var error = Assert.Single(result.GetProperty("errors").EnumerateArray());
        Assert.Equal((2L, "household_id"), (error.GetProperty("line").GetInt64(), error.GetProperty("field").GetString()));
        Assert.Contains(other, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_file_takes_both_forms_as_one_household_and_refuses_another_districts()
    {
        var organization = $"{f.D}-PO{Guid.NewGuid():N}"[..20];
        await (await f.Operator.PutJsonAsync($"/api/v1/party-organizations/{organization}", $$"""{"kind":"branch","name":"Branch","partyGridId":"{{f.D}}-PG1"}""")).AssertOkAsync(HttpStatusCode.Created);
        var local = $"mh-{Guid.NewGuid():N}"[..16];
        await (await ImportAsync("/api/v1/households/import", $"{Header}\n{Row(local, "戊")}\n")).AssertOkAsync();
        var member = $"m-{Guid.NewGuid():N}"[..14];
        var other = Fresh.District();
        var csv = $"""
            member_id,name,organization_id,status,mobile,joined,phone,household_ids
            {member},周一,{organization},full,false,1999-07-01,,{local};{f.D}-H{local}
            {member}x,吴二,{organization},full,false,1999-07-01,,{other}-H{local}
            """;
        var result = await (await ImportAsync("/api/v1/party-members/import", csv)).AssertOkAsync();
        Assert.Equal((1, 1, 1), (result.GetProperty("created").GetInt32(), result.GetProperty("links").GetInt32(), result.GetProperty("rejected").GetInt32()));
        Assert.Equal([(3L, "household_ids")], result.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("field").GetString())).ToArray());
        var read = await (await f.Operator.GetAsync($"/api/v1/party-members/{f.D}-M{member}")).AssertOkAsync();
        Assert.Equal([$"{f.D}-H{local}"], read.GetProperty("households").EnumerateArray().Select(h => h.GetString()!).ToArray());
    }
}
