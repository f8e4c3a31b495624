using System.Net;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Security;

namespace GridGov.Tests.Police;

/// <summary>What the access matrix's police-area rows call about a district (<see cref="AccessMatrixTests"/>).</summary>
internal static class PoliceMatrix
{
    public static string Body(string d)
    {
        var (x, y) = Fresh.Origin(d);
        return $$"""{"name":"Matrix","station":"Station","officer":{"name":"Officer","phone":"13800001234"},"boundary":{{Geo.Box(x, y, x + 0.05, y + 0.05)}}}""";
    }

    /// <summary>The district's area MX1, put by the operator (unchanged after the first time).</summary>
    public static async Task<string> AreaInAsync(SecurityFixture f, string d)
    {
        using var op = f.Api.CreateOperatorClient();
        var response = await op.PutJsonAsync($"/api/v1/districts/{d}/police-areas/MX1", Body(d));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return $"/api/v1/districts/{d}/police-areas/MX1";
    }

    /// <summary>A throwaway area of the district, for a DELETE.</summary>
    public static async Task<string> FreshAreaInAsync(SecurityFixture f, string d)
    {
        var url = $"/api/v1/districts/{d}/police-areas/{FreshCode()}";
        using var op = f.Api.CreateOperatorClient();
        await (await op.PutJsonAsync(url, Body(d))).AssertOkAsync(HttpStatusCode.Created);
        return url;
    }

    public static string FreshCode() => $"M{Guid.NewGuid():N}"[..20];
}
