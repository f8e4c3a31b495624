using GridGov.Contracts;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Storage;
using GridGov.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Storage;

namespace GridGov.Tests.Storage;

/// <summary>
/// Grain state is stored in Orleans' binary format behind a marker; rows written as JSON by earlier versions are still
/// read, and the next write of such a grain stores the binary format.
/// </summary>
public sealed class GrainStateFormatTests
{
    [Theory]
    [InlineData(DatabaseKind.PostgreSql)]
    [InlineData(DatabaseKind.Sqlite)]
    public async Task Rows_written_as_json_are_read_and_then_rewritten_in_the_binary_format(DatabaseKind kind)
    {
        TestCallers.EnterOperator();
        await using var store = await MigratedStore.CreateAsync(kind);
        var d = Fresh.District();
        var (x, y) = Fresh.Origin(d);
        var serviceId = "format-" + Guid.NewGuid().ToString("N");
        var upsert = new TerritoryUpsert("旧格式 district", Geo.Box(x, y, x + 0.2, y + 0.2), []);

        TerritorySnapshot? written;
        await using (var legacy = await GridCluster.StartAsync(kind, store.ConnectionString, serviceId: serviceId, configure: silo =>
            silo.Services.AddOptions<AdoNetGrainStorageOptions>(ProviderNames.MainStorage)
                .PostConfigure<IGrainStorageSerializer>((o, json) => o.GrainStorageSerializer = json)))
        {
            written = (await legacy.Client.GetGrain<ITerritoryGrain>(d).UpsertAsync(upsert, null, false)).Territory;
        }

        Assert.Equal((byte)'{', (await PayloadAsync(store, serviceId))[0]);

        await using var current = await GridCluster.StartAsync(kind, store.ConnectionString, serviceId: serviceId);
        var grain = current.Client.GetGrain<ITerritoryGrain>(d);
        AssertSame(written!, (await grain.GetAsync())!);

        var renamed = (await grain.UpsertAsync(upsert with { Name = "新格式 district" }, written.Version, false)).Territory;
        var payload = await PayloadAsync(store, serviceId);
        Assert.Equal([0x00, 0x01], payload[..2]);
        Assert.Equal(written.Version + 1, renamed.Version);

        await current.RestartSiloAsync(current.Silos[0]);
        await current.RestartSiloAsync(current.Silos[1]);
        AssertSame(renamed, (await current.Client.GetGrain<ITerritoryGrain>(d).GetAsync())!);
    }

    private static void AssertSame(TerritorySnapshot expected, TerritorySnapshot actual)
    {
        Assert.Equal(expected with { Staff = [] }, actual with { Staff = [] });
        Assert.Equal(expected.Staff, actual.Staff);
    }

    private static async Task<byte[]> PayloadAsync(MigratedStore store, string serviceId)
    {
        var rows = await store.RowsAsync(
            "SELECT payload FROM orleans_storage WHERE service_id = @s",
            ("@s", serviceId));
        return Assert.IsType<byte[]>(Assert.Single(rows)[0]);
    }
}
