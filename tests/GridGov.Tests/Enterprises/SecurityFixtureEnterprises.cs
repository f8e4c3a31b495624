using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Security;

namespace GridGov.Tests.Enterprises;

/// <summary>
/// The access matrix's enterprises: a throwaway one in a district, registered by the operator. They sit in a grid of
/// their own (imported once per district), since the matrix's "PUT territory" row replaces the fixture's grid without
/// its boundary, after which no point locates in it.
/// </summary>
public static class SecurityFixtureEnterprises
{
    private static readonly ConcurrentDictionary<string, Lazy<Task>> Grids = new(StringComparer.Ordinal);

    public static async Task<string> EnterpriseBodyAsync(this SecurityFixture f, string d)
    {
        var (x, y) = Fresh.Origin(d);
        await Grids.GetOrAdd(d, _ => new Lazy<Task>(async () =>
        {
            using var op = f.Api.CreateOperatorClient();
            await (await op.PostJsonAsync("/api/v1/territory/import", Geo.Collection(
                Geo.Feature($"{d}001001009", "Enterprise grid", Geo.Box(x + 0.1, y + 0.1, x + 0.2, y + 0.2))))).AssertOkAsync();
        })).Value;
        return string.Create(CultureInfo.InvariantCulture, $$"""{"name":"Matrix Co.","address":"1 Road","lat":{{y + 0.15}},"lon":{{x + 0.15}},"industry":"retail","employeeCount":3}""");
    }

    public static async Task<string> EnterpriseInAsync(this SecurityFixture f, string d)
    {
        var id = $"{d}-{EnterpriseFixture.NewCode()}";
        using var op = f.Api.CreateOperatorClient();
        await (await op.PutJsonAsync($"/api/v1/enterprises/{id}", await f.EnterpriseBodyAsync(d))).AssertOkAsync(HttpStatusCode.Created);
        return id;
    }
}
