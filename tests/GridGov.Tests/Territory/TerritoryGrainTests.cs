using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Territory;

[Collection(GridClusterCollection.Name)]
public sealed class TerritoryGrainTests(GridClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    private Task<TerritoryUpsertResult> Put(string code, string name, string? boundary = null, long? ifMatch = null) =>
        _grains.GetGrain<ITerritoryGrain>(code).UpsertAsync(new TerritoryUpsert(name, boundary, []), ifMatch, false);

    [Fact]
    public async Task Level_and_parent_come_from_the_code()
    {
        TestCallers.EnterOperator();
        var d = Fresh.District();
        await Put(d, "District");
        await Put($"{d}001", "Street");
        await Put($"{d}001002", "Community");
        await Put($"{d}001002003", "Grid");
        var micro = (await Put($"{d}00100200301", "Micro-grid")).Territory;

        Assert.Equal(TerritoryLevel.MicroGrid, micro.Level);
        Assert.Equal($"{d}001002003", micro.ParentCode);
        var children = await _grains.GetGrain<ITerritoryGrain>($"{d}001002003").GetChildrenAsync();
        Assert.Equal([new TerritoryChild($"{d}00100200301", "Micro-grid", TerritoryLevel.MicroGrid)], children);
    }

    private const string Square = """{"type":"Polygon","coordinates":[[[109.5,18.2],[109.6,18.2],[109.6,18.3],[109.5,18.3],[109.5,18.2]]]}""";

    [Fact]
    public async Task An_import_keeps_the_staff_of_the_nodes_it_updates()
    {
        TestCallers.EnterOperator();
        var d = Fresh.District();
        await Put(d, "District");
        StaffMember[] staff = [new("s-1", "Supervisor", StaffRole.Supervisor, null)];
        await _grains.GetGrain<ITerritoryGrain>($"{d}001").UpsertAsync(new TerritoryUpsert("Street", null, staff), null, false);

        // The GeoJSON of an import carries no staff: the street is renamed, its supervisor stays.
        var outcomes = await _grains.GetGrain<ITerritoryImportGrain>(0).ImportAsync([new TerritoryImportItem(0, $"{d}001", "Street renamed", Square)]);

        Assert.Equal(UpsertOutcome.Updated, Assert.Single(outcomes).Outcome);
        var street = await _grains.GetGrain<ITerritoryGrain>($"{d}001").GetAsync();
        Assert.Equal("Street renamed", street!.Name);
        Assert.Equal(staff, street.Staff);
    }

    [Fact]
    public async Task A_rename_reaches_the_parents_child_list()
    {
        TestCallers.EnterOperator();
        var d = Fresh.District();
        await Put(d, "District");
        await Put($"{d}001", "Old name");
        await Put($"{d}001", "New name", ifMatch: 1);

        var children = await _grains.GetGrain<ITerritoryGrain>(d).GetChildrenAsync();
        Assert.Equal("New name", Assert.Single(children!).Name);
    }

    [Fact]
    public async Task Stale_versions_and_orphans_are_refused_and_change_nothing()
    {
        TestCallers.EnterOperator();
        var d = Fresh.District();
        await Put(d, "District");
        await Put(d, "Renamed");

        var stale = await Assert.ThrowsAsync<DomainException>(() => Put(d, "Lost", ifMatch: 1));
        Assert.Equal(DomainErrorKind.PreconditionFailed, stale.Kind);

        var orphan = await Assert.ThrowsAsync<DomainException>(() => Put($"{Fresh.District()}001", "Orphan"));
        Assert.Equal("code", orphan.Field);

        var snapshot = await _grains.GetGrain<ITerritoryGrain>(d).GetAsync();
        Assert.Equal(("Renamed", 2L), (snapshot!.Name, snapshot.Version));
    }

    [Fact]
    public async Task Two_party_grids_racing_for_one_grid_never_both_win()
    {
        TestCallers.EnterOperator();
        var d = Fresh.District();
        await Put(d, "District");
        await Put($"{d}001", "Street");
        await Put($"{d}001001", "Community");
        var grids = Enumerable.Range(1, 6).Select(i => $"{d}001001{i:000}").ToArray();
        foreach (var grid in grids)
        {
            await Put(grid, grid);
        }

        // Ten Party-building grids each want grids 1–3 plus one of their own: exactly one can have the shared ones.
        var attempts = Enumerable.Range(1, 10).Select(async i =>
        {
            try
            {
                await _grains.GetGrain<IPartyGridGrain>($"{d}-PG{i}").UpsertAsync($"PG {i}", grids[..3], null);
                return i;
            }
            catch (DomainException e) when (e.Kind == DomainErrorKind.Conflict)
            {
                return 0;
            }
        });
        var winners = (await Task.WhenAll(attempts)).Where(i => i > 0).ToArray();

        var winner = Assert.Single(winners);
        foreach (var grid in grids[..3])
        {
            Assert.Equal($"{d}-PG{winner}", (await _grains.GetGrain<ITerritoryGrain>(grid).GetAsync())!.PartyGridId);
        }

        foreach (var loser in Enumerable.Range(1, 10).Where(i => i != winner))
        {
            Assert.Null(await _grains.GetGrain<IPartyGridGrain>($"{d}-PG{loser}").GetAsync());
        }
    }

    [Fact]
    public async Task Locate_across_many_grids_finds_the_right_one()
    {
        TestCallers.EnterOperator();
        // A 20 × 20 block of grids of 0.01° in this district's own cell; each point must land in its grid.
        var d = Fresh.District();
        var (x, y) = Fresh.Origin(d);
        await Put(d, "District", Geo.Box(x, y, x + 0.45, y + 0.45));
        await Put($"{d}001", "Street");
        var codes = new List<(string Code, double Lon, double Lat)>();
        for (var community = 0; community < 4; community++)
        {
            await Put($"{d}001{community + 1:000}", $"Community {community}");
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var (row, col) = (i / 20, i % 20);
            var code = $"{d}001{i / 100 + 1:000}{i % 100 + 1:000}";
            var (lon, lat) = (x + 0.01 + col * 0.01, y + 0.01 + row * 0.01);
            await Put(code, $"Grid {i}", Geo.Box(lon, lat, lon + 0.01, lat + 0.01));
            lock (codes)
            {
                codes.Add((code, lon, lat));
            }
        });

        var locator = _grains.GetGrain<ILocatorGrain>(0);
        foreach (var (code, lon, lat) in codes.Where((_, i) => i % 7 == 0))
        {
            var result = await locator.LocateAsync(lat + 0.005, lon + 0.005, null);
            Assert.True(code == result.Grid?.Code, $"({lat + 0.005}, {lon + 0.005}) should be in {code}, got {result.Grid?.Code ?? "nothing"}");
        }

        var outside = await locator.LocateAsync(y + 0.44, x + 0.44, null);
        Assert.Null(outside.Grid);
        Assert.Equal(d, outside.Fallback?.Code);
    }
}
