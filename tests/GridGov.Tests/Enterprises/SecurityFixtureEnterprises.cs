using System.Globalization;
using System.Net;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Security;

namespace GridGov.Tests.Enterprises;

/// <summary>The access matrix's enterprises: a throwaway one in a district's grid, registered by the operator.</summary>
public static class SecurityFixtureEnterprises
{
    public static string EnterpriseBody(this SecurityFixture f, string d)
    {
        var (x, y) = Fresh.Origin(d);
        return string.Create(CultureInfo.InvariantCulture, $$"""{"name":"Matrix Co.","address":"1 Road","lat":{{y + 0.05}},"lon":{{x + 0.05}},"industry":"retail","employeeCount":3}""");
    }

    public static async Task<string> EnterpriseInAsync(this SecurityFixture f, string d)
    {
        var id = $"{d}-{EnterpriseFixture.NewCode()}";
        using var op = f.Api.CreateOperatorClient();
        await (await op.PutJsonAsync($"/api/v1/enterprises/{id}", f.EnterpriseBody(d))).AssertOkAsync(HttpStatusCode.Created);
        return id;
    }
}
