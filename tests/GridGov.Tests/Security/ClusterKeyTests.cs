using System.Net;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Security;

/// <summary>
/// Two API processes, each co-hosting a silo of one cluster on PostgreSQL: a key revoked in one is dead in both, and a
/// boundary changed in one is located in the other at once (each silo holds its own copy of a district's index).
/// </summary>
public sealed class ClusterKeyTests : IAsyncLifetime
{
    private TestDatabase? _database;
    private ApiFactory? _first;
    private ApiFactory? _second;

    public async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync();
        var shared = new Dictionary<string, string?>().InCluster(_database.ConnectionString, "keys");
        _first = new ApiFactory(Fresh.TempFolder(), shared);
        _ = _first.Server;
        _second = new ApiFactory(Fresh.TempFolder(), shared);
        _ = _second.Server;
    }

    public async Task DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }

        if (_first is not null)
        {
            await _first.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_key_revoked_through_one_process_stops_at_once_in_the_other()
    {
        var bootstrap = _first!.Settings[ClusterSettings.BootstrapKey]!;
        var d = Fresh.District();
        using var opFirst = _first.CreateClient(bootstrap);
        var created = await (await opFirst.PostJsonAsync("/api/v1/api-keys", $$"""{"name":"app","role":"app","scope":"{{d}}"}""")).AssertOkAsync(HttpStatusCode.Created);
        var key = created.GetProperty("key").GetString()!;

        using var appSecond = _second!.CreateClient(key);
        await (await appSecond.GetAsync("/api/v1/locate?lat=1&lon=1")).AssertOkAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await opFirst.DeleteAsync($"/api/v1/api-keys/{created.GetProperty("id").GetString()}")).StatusCode);

        await (await appSecond.GetAsync("/api/v1/locate?lat=1&lon=1")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var appFirst = _first.CreateClient(key);
        await (await appFirst.GetAsync("/api/v1/locate?lat=1&lon=1")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_boundary_changed_through_one_process_is_located_at_once_by_the_other()
    {
        var bootstrap = _first!.Settings[ClusterSettings.BootstrapKey]!;
        var d = Fresh.District();
        var (x, y) = Fresh.Origin(d);
        using var first = _first.CreateClient(bootstrap);
        using var second = _second!.CreateClient(bootstrap);
        await (await first.PostJsonAsync("/api/v1/territory/import", Geo.Collection(
            Geo.Feature(d, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{d}001", "Street", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{d}001001", "Community", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{d}001001001", "Grid 1", Geo.Box(x + 0.1, y + 0.1, x + 0.2, y + 0.2)),
            Geo.Feature($"{d}001001002", "Grid 2", Geo.Box(x + 0.2, y + 0.1, x + 0.3, y + 0.2))))).AssertOkAsync();
        var locate = FormattableString.Invariant($"/api/v1/locate?lat={y + 0.15}&lon={x + 0.25}");

        // Both processes now hold a copy of the district's index.
        Assert.Equal($"{d}001001002", (await (await second.GetAsync(locate)).AssertOkAsync()).GetProperty("grid").GetProperty("code").GetString());
        Assert.Equal($"{d}001001002", (await (await first.GetAsync(locate)).AssertOkAsync()).GetProperty("grid").GetProperty("code").GetString());

        // Grid 1 grows over grid 2's half: the point is on both, and the lower code wins, in the other process at once.
        await (await first.PutJsonAsync($"/api/v1/territory/{d}001001001", $$"""{"name":"Grid 1","boundary":{{Geo.Box(x + 0.1, y + 0.1, x + 0.3, y + 0.2)}}}""")).AssertOkAsync();
        Assert.Equal($"{d}001001001", (await (await second.GetAsync(locate)).AssertOkAsync()).GetProperty("grid").GetProperty("code").GetString());
        Assert.Equal($"{d}001001001", (await (await first.GetAsync(locate)).AssertOkAsync()).GetProperty("grid").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Territory_written_through_one_process_is_read_through_the_other()
    {
        var bootstrap = _first!.Settings[ClusterSettings.BootstrapKey]!;
        var d = Fresh.District();
        using var first = _first.CreateClient(bootstrap);
        using var second = _second!.CreateClient(bootstrap);
        await (await first.PutJsonAsync($"/api/v1/territory/{d}", """{"name":"Shared"}""")).AssertOkAsync(HttpStatusCode.Created);
        var read = await (await second.GetAsync($"/api/v1/territory/{d}")).AssertOkAsync();
        Assert.Equal("Shared", read.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/health/ready")).StatusCode);
    }
}
