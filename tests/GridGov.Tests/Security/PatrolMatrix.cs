using System.Collections.Concurrent;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;

namespace GridGov.Tests.Security;

/// <summary>Patrols of grid worker w-1 for the access matrix, one open patrol per district and one to end.</summary>
internal static class PatrolMatrix
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Patrols = new(StringComparer.Ordinal);

    /// <summary>The district's patrol of this kind ("open" or "end"), started once by a grid worker key of the district.</summary>
    public static Task<string> PatrolInAsync(this SecurityFixture f, string district, string kind = "open") =>
        Patrols.GetOrAdd($"{district}/{kind}", _ => new Lazy<Task<string>>(() => StartAsync(f, district))).Value;

    private static async Task<string> StartAsync(SecurityFixture f, string district)
    {
        using var worker = f.Api.CreateClient(await f.Api.CreateKeyAsync(Roles.GridWorker, district, staffId: "w-1"));
        var patrol = await (await worker.PostJsonAsync("/api/v1/patrols", $$"""{"gridCode":"{{f.GridOf(district)}}"}""")).AssertOkAsync(System.Net.HttpStatusCode.Created);
        return patrol.GetProperty("id").GetString()!;
    }
}
