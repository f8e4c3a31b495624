using System.Net;
using System.Text.RegularExpressions;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.People;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace GridGov.Tests.Operations;

/// <summary>
/// No log line carries a reporter's phone number or a resident's identity number, whole or in an obvious format,
/// at the most verbose logging GridGov ships (request logging and JSON lines on) nor with every category at Information.
/// </summary>
public sealed partial class LogPrivacyTests
{
    private const string Phone = "13787651234";

    [Fact]
    public async Task The_shipped_logging_writes_no_personal_number()
    {
        await using var api = new ApiFactory(Fresh.TempFolder(), new Dictionary<string, string?>
        {
            ["GridGov:Logging:Requests"] = "true",
            ["GridGov:Logging:Json"] = "true",
        });
        var idNumber = await SendPersonalDataAsync(api, api.DataFolder, queryStrings: true);

        Assert.Contains(api.Logs.Lines, l => l.Contains(GridGov.Hosting.GridGovLogging.RequestCategory, StringComparison.Ordinal) && l.Contains("/api/v1/cases", StringComparison.Ordinal));
        Assert.DoesNotContain(api.Logs.Lines, l => l.StartsWith("Information Microsoft.AspNetCore.Hosting", StringComparison.Ordinal) || l.StartsWith("Information Orleans", StringComparison.Ordinal));
        AssertNoNumbers(api.Logs, idNumber);
    }

    [Fact]
    public async Task Every_category_at_Information_writes_no_personal_number()
    {
        await using var defaults = new ApiFactory(Fresh.TempFolder(), new Dictionary<string, string?> { ["GridGov:Logging:Requests"] = "true" });
        // A rule for the capturing provider beats every general rule, whatever its category.
        await using var api = defaults.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddFilter<CapturedLogs>(null, LogLevel.Information)));
        var idNumber = await SendPersonalDataAsync(api, defaults.DataFolder, queryStrings: false);

        Assert.Contains(defaults.Logs.Lines, l => l.StartsWith("Information Microsoft.AspNetCore.Hosting.Diagnostics", StringComparison.Ordinal));
        Assert.Contains(defaults.Logs.Lines, l => l.StartsWith("Information Orleans.", StringComparison.Ordinal));
        AssertNoNumbers(defaults.Logs, idNumber);
    }

    /// <summary>
    /// Case reports, household PUTs (valid and refused), a household import and a resident search, all carrying the
    /// numbers; answers the identity number used. With <paramref name="queryStrings"/>, also a number in a query string,
    /// which request logging must not write (ASP.NET Core's own Information lines do write the query string).
    /// </summary>
    private static async Task<string> SendPersonalDataAsync(WebApplicationFactory<Program> api, string dataFolder, bool queryStrings)
    {
        using var op = api.CreateClient(); // starts the host, which writes the operator key
        op.DefaultRequestHeaders.Add("X-Api-Key", File.ReadAllText(Path.Combine(dataFolder, "bootstrap-api-key")).Trim());
        var d = Fresh.District();
        var (x, y) = Fresh.Origin(d);
        var grid = $"{d}001001001";
        await (await op.PostJsonAsync("/api/v1/territory/import", Geo.Collection(
            Geo.Feature(d, "D", Geo.Box(x, y, x + 0.3, y + 0.3)),
            Geo.Feature($"{d}001", "S", Geo.Box(x, y, x + 0.2, y + 0.2)),
            Geo.Feature($"{d}001001", "C", Geo.Box(x, y, x + 0.2, y + 0.2)),
            Geo.Feature(grid, "G", Geo.Box(x, y, x + 0.1, y + 0.1))))).AssertOkAsync();

        string Report(string phone) => FormattableString.Invariant(
            $$$"""{"category":"event.environment","description":"Rubbish at the gate","source":"gridPatrol","lat":{{{y + 0.05}}},"lon":{{{x + 0.05}}},"address":"Gate 3","reporter":{"name":"张三","phone":"{{{phone}}}"}}""");
        var created = await (await op.PostJsonAsync("/api/v1/cases", Report(Phone))).AssertOkAsync(HttpStatusCode.Created);
        await op.GetAsync($"/api/v1/cases/{created.GetProperty("id").GetString()}");
        await op.PostJsonAsync("/api/v1/cases", Report("137-8765-1234"));
        await op.PostJsonAsync("/api/v1/cases", Report(Phone + "9"));
        await op.PostJsonAsync("/api/v1/cases", Report(Phone).Replace($"\"{Phone}\"", Phone, StringComparison.Ordinal));

        var idNumber = PeopleFixture.IdNumber($"{d}19620505123");
        var household = $$"""{"gridCode":"{{grid}}","building":"1","room":"1","residents":[{"id":"{{d}}-R1","name":"孙八","gender":"male","birthYear":1962,"relation":"head","residenceType":"registered","idNumber":"{{idNumber}}","phone":"{{Phone}}","careTags":[]}]}""";
        await (await op.PutJsonAsync($"/api/v1/households/{d}-H1", household)).AssertOkAsync(HttpStatusCode.Created);
        await op.PutJsonAsync($"/api/v1/households/{d}-H2", household.Replace(idNumber, idNumber[..17] + "Z", StringComparison.Ordinal));
        await op.PutJsonAsync($"/api/v1/households/{d}-H3", household.Replace("1962", "\"" + idNumber + "\"", StringComparison.Ordinal));
        await op.PutJsonAsync($"/api/v1/households/{d}-H4", household.Replace($"\"{Phone}\"", Phone, StringComparison.Ordinal));
        await op.PostJsonAsync("/api/v1/residents/search", $$"""{"idNumber":"{{idNumber}}","district":"{{d}}"}""");
        await op.PostAsync("/api/v1/households/import", new StringContent(
            $"household_id,grid_code,micro_grid_code,building,unit,room,resident_name,gender,birth_year,relation,residence_type,id_number,phone,care_tags\n{d}-H9,{grid},,1,,2,A,male,1962,head,registered,{idNumber},{Phone},\n{d}-H10,{grid},,1,,3,B,male,{idNumber},head,registered,{idNumber},{Phone},\n",
            System.Text.Encoding.UTF8, "text/csv"));
        if (queryStrings)
        {
            await op.GetAsync($"/api/v1/cases?reporterPhone={Phone}&idNumber={idNumber}");
        }

        return idNumber;
    }

    private static void AssertNoNumbers(CapturedLogs logs, string idNumber)
    {
        Assert.NotEmpty(logs.Lines);
        string[] needles = [Phone, idNumber, idNumber[..17]];
        var leaks = logs.Lines.Where(line =>
        {
            // Whole, or written with spaces, dashes, dots or a +86 prefix: compare the line's digits alone too.
            var digits = NotADigit().Replace(line, "");
            return needles.Any(n => line.Contains(n, StringComparison.OrdinalIgnoreCase) || digits.Contains(n, StringComparison.Ordinal));
        }).ToArray();
        Assert.True(leaks.Length == 0, "Log lines with a personal number:\n" + string.Join("\n", leaks));
    }

    [GeneratedRegex("[^0-9]")]
    private static partial Regex NotADigit();
}
