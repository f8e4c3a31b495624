using GridGov.Contracts.Territory;
using GridGov.Hosting.Storage;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Storage;

namespace GridGov.Tests.Territory;

/// <summary>Territory written by one cluster is read back identical by fresh silos, on both databases.</summary>
public sealed class TerritoryPersistenceTests
{
    [Theory]
    [InlineData(DatabaseKind.PostgreSql)]
    [InlineData(DatabaseKind.Sqlite)]
    public async Task Territory_survives_stopping_every_silo(DatabaseKind kind)
    {
        TestCallers.EnterOperator();
        await using var store = await MigratedStore.CreateAsync(kind);
        var d = Fresh.District();
        var (x, y) = Fresh.Origin(d);
        var codes = new[] { d, $"{d}001", $"{d}001001", $"{d}001001001", $"{d}001001002" };
        var serviceId = "persistence-" + Guid.NewGuid().ToString("N");
        var staff = new StaffMember[] { new("w1", "王五", StaffRole.GridWorker, "139****0000") };

        TerritorySnapshot?[] before;
        IReadOnlyList<TerritoryChild>? childrenBefore;
        PartyGridSnapshot? partyGridBefore;
        await using (var first = await GridCluster.StartAsync(kind, store.ConnectionString, serviceId: serviceId))
        {
            var grains = first.Client;
            foreach (var (code, i) in codes.Select((c, i) => (c, i)))
            {
                var box = Geo.Box(x + 0.01 * i, y + 0.01 * i, x + 0.3 - 0.01 * i, y + 0.3 - 0.01 * i);
                await grains.GetGrain<ITerritoryGrain>(code).UpsertAsync(new TerritoryUpsert($"Node {i}", box, i == 3 ? staff : []), null, false);
            }

            await grains.GetGrain<IPartyGridGrain>($"{d}-PG1").UpsertAsync("Party grid", [codes[3], codes[4]], null);
            before = await Task.WhenAll(codes.Select(c => grains.GetGrain<ITerritoryGrain>(c).GetAsync()));
            childrenBefore = await grains.GetGrain<ITerritoryGrain>(codes[2]).GetChildrenAsync();
            partyGridBefore = await grains.GetGrain<IPartyGridGrain>($"{d}-PG1").GetAsync();
        }

        await using var second = await GridCluster.StartAsync(kind, store.ConnectionString, serviceId: serviceId);
        var after = await Task.WhenAll(codes.Select(c => second.Client.GetGrain<ITerritoryGrain>(c).GetAsync()));

        for (var i = 0; i < codes.Length; i++)
        {
            Assert.NotNull(after[i]);
            Assert.Equal(before[i]! with { Staff = [] }, after[i]! with { Staff = [] });
            Assert.Equal(before[i]!.Staff, after[i]!.Staff);
        }

        Assert.Equal(childrenBefore, await second.Client.GetGrain<ITerritoryGrain>(codes[2]).GetChildrenAsync());
        var partyGridAfter = await second.Client.GetGrain<IPartyGridGrain>($"{d}-PG1").GetAsync();
        Assert.Equal(partyGridBefore!.GridCodes, partyGridAfter!.GridCodes);
        Assert.Equal(partyGridBefore.Version, partyGridAfter.Version);

        // The spatial index is rebuilt from its table by the new silos.
        var located = await second.Client.GetGrain<ILocatorGrain>(0).LocateAsync(y + 0.15, x + 0.15, null);
        Assert.Equal(codes[3], located.Grid?.Code);
    }
}
