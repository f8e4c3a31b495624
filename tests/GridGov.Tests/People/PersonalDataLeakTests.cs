using System.Net;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.People;

/// <summary>No answer and no log line carries a full identity or phone number, whatever the request did.</summary>
public sealed class PersonalDataLeakTests
{
    [Fact]
    public async Task Full_numbers_never_reach_an_answer_or_a_log()
    {
        await using var api = new ApiFactory();
        using var op = api.CreateOperatorClient();
        var d = Fresh.District();
        var (x, y) = Fresh.Origin(d);
        var grid = $"{d}001001001";
        await (await op.PostJsonAsync("/api/v1/territory/import", Geo.Collection(
            Geo.Feature(d, "D", Geo.Box(x, y, x + 0.3, y + 0.3)),
            Geo.Feature($"{d}001", "S", Geo.Box(x, y, x + 0.2, y + 0.2)),
            Geo.Feature($"{d}001001", "C", Geo.Box(x, y, x + 0.2, y + 0.2)),
            Geo.Feature(grid, "G", Geo.Box(x, y, x + 0.1, y + 0.1))))).AssertOkAsync();

        var idNumber = PeopleFixture.IdNumber($"{d}19620505123");
        const string phone = "13712349876";
        var bodies = new List<string>();
        async Task Send(Func<Task<HttpResponseMessage>> call) => bodies.Add(await (await call()).Content.ReadAsStringAsync());

        var household = $$"""{"gridCode":"{{grid}}","building":"1","room":"1","residents":[{"id":"{{d}}-R1","name":"孙八","gender":"male","birthYear":1962,"relation":"head","residenceType":"registered","idNumber":"{{idNumber}}","phone":"{{phone}}","careTags":[]}]}""";
        await Send(() => op.PutJsonAsync($"/api/v1/households/{d}-H1", household));
        await Send(() => op.GetAsync($"/api/v1/households/{d}-H1"));
        await Send(() => op.PostJsonAsync("/api/v1/residents/search", $$"""{"idNumber":"{{idNumber}}","district":"{{d}}"}"""));
        await Send(() => op.PutJsonAsync($"/api/v1/households/{d}-H2", household.Replace("\"1\"}]", "\"1\"}],\"x\":1", StringComparison.Ordinal)));
        await Send(() => op.PutJsonAsync($"/api/v1/households/{d}-H3", household.Replace(idNumber, idNumber[..17] + "Z", StringComparison.Ordinal)));
        await Send(() => op.PutJsonAsync($"/api/v1/households/{d}-H4", household.Replace("1962", "\"" + idNumber + "\"", StringComparison.Ordinal)));
        await Send(() => op.PostAsync("/api/v1/households/import", new StringContent(
            $"household_id,grid_code,micro_grid_code,building,unit,room,resident_name,gender,birth_year,relation,residence_type,id_number,phone,care_tags\nh9,{grid},,1,,2,A,male,{idNumber},head,registered,{idNumber},{phone},\n",
            System.Text.Encoding.UTF8, "text/csv")));
        await Send(() => op.PutJsonAsync($"/api/v1/party-members/{d}-M1", $$"""{"name":"M","phone":"{{phone}}","status":"full","mobile":false,"joined":"2001-01-01","organizationId":"{{d}}-PO404"}"""));

        var phoneDigits = phone;
        foreach (var body in bodies)
        {
            Assert.DoesNotContain(idNumber, body, StringComparison.Ordinal);
            Assert.DoesNotContain(phoneDigits, body, StringComparison.Ordinal);
        }

        Assert.NotEmpty(api.Logs.Lines);
        var leaks = api.Logs.Lines.Where(l => l.Contains(idNumber, StringComparison.Ordinal) || l.Contains(phoneDigits, StringComparison.Ordinal)).ToArray();
        Assert.True(leaks.Length == 0, "Log lines with a full number:\n" + string.Join("\n", leaks));
    }
}
