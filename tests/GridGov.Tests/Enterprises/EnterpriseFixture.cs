using System.Globalization;
using System.Net;
using GridGov.Contracts.Enterprises;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Enterprises;

/// <summary>
/// Two districts (A and B), each with a community of two grids, a Party-building grid and a branch; keys of A's
/// district admin and of a grid worker of A's first grid.
/// </summary>
public sealed class EnterpriseFixture : IAsyncLifetime
{
    public ApiFactory Api { get; } = new();

    public string A { get; } = Fresh.District();

    public string B { get; } = Fresh.District();

    public HttpClient Operator { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public HttpClient Worker { get; private set; } = null!;

    public static string Grid1(string d) => $"{d}001001001";

    public static string Grid2(string d) => $"{d}001001002";

    public static string Community(string d) => $"{d}001001";

    public async Task InitializeAsync()
    {
        Operator = Api.CreateOperatorClient();
        foreach (var d in new[] { A, B })
        {
            var (x, y) = Fresh.Origin(d);
            await (await Operator.PostJsonAsync("/api/v1/territory/import", Geo.Collection(
                Geo.Feature(d, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
                Geo.Feature($"{d}001", "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
                Geo.Feature(Community(d), "Community", Geo.Box(x, y, x + 0.2, y + 0.2)),
                Geo.Feature(Grid1(d), "Grid 1", Geo.Box(x, y, x + 0.1, y + 0.1)),
                Geo.Feature(Grid2(d), "Grid 2", Geo.Box(x + 0.1, y, x + 0.2, y + 0.1))))).AssertOkAsync();
            await (await Operator.PutJsonAsync($"/api/v1/party-grids/{d}-PG1", $$"""{"name":"PG","gridCodes":["{{Grid1(d)}}"]}""")).AssertOkAsync(HttpStatusCode.Created);
            await (await Operator.PutJsonAsync($"/api/v1/party-organizations/{d}-PO1", $$"""{"kind":"branch","name":"企业联合党支部","partyGridId":"{{d}}-PG1"}""")).AssertOkAsync(HttpStatusCode.Created);
        }

        await Operator.AddStaffAsync(A, ("w-1", "gridWorker"));
        Admin = Api.CreateClient(await Api.CreateKeyAsync(Roles.DistrictAdmin, A));
        Worker = Api.CreateClient(await Api.CreateKeyAsync(Roles.GridWorker, A, staffId: "w-1"));
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();

    /// <summary>A fresh valid credit code (area code 460100, a random 8-digit organization code body) for each test.</summary>
    public static string NewCode() => CreditCode.Complete($"91460100{Random.Shared.Next(10_000_000, 100_000_000)}");

    /// <summary>A fresh code whose check character is a letter, so that its lower-case form is a different, invalid id.</summary>
    public static string NewCodeWithLetter()
    {
        var code = NewCode();
        while (char.IsDigit(code[^1]))
        {
            code = NewCode();
        }

        return code;
    }

    /// <summary>A point inside grid 1 (<paramref name="grid"/> 1) or grid 2 of the district.</summary>
    public static (double Lat, double Lon) In(string d, int grid = 1)
    {
        var (x, y) = Fresh.Origin(d);
        return (y + 0.05, x + 0.05 + (grid - 1) * 0.1);
    }

    public static string Body(string d, int grid = 1, string name = "海口某科技有限公司", string extra = "")
    {
        var (lat, lon) = In(d, grid);
        return string.Create(CultureInfo.InvariantCulture,
            $$"""{"name":"{{name}}","address":"滨海大道 1 号","lat":{{lat}},"lon":{{lon}},"industry":"信息技术","employeeCount":42{{extra}}}""");
    }

    /// <summary>Registers an enterprise (as the operator) and answers its id.</summary>
    public async Task<string> EnterpriseAsync(string d, int grid = 1)
    {
        var id = $"{d}-{NewCode()}";
        await (await Operator.PutJsonAsync($"/api/v1/enterprises/{id}", Body(d, grid))).AssertOkAsync(HttpStatusCode.Created);
        return id;
    }
}
