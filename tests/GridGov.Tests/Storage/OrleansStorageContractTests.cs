using System.Globalization;
using GridGov.Contracts;
using GridGov.Contracts.Cases;
using GridGov.Hosting.Cases;
using GridGov.Hosting.Storage;
using GridGov.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace GridGov.Tests.Storage;

/// <summary>
/// What <see cref="OrleansStorageRows"/> relies on, held against Orleans' real ADO.NET grain storage in GridGov's own
/// wiring: an Orleans upgrade that changes the key layout, the hashes, the hasher's choice, the service id, the versions,
/// the refusal of a second first write or the payload fails here.
/// </summary>
public abstract class OrleansStorageContractTests(DatabaseKind kind)
{
    private const string StateName = "contract-probe";

    private static ProbeState Probe(string text) =>
        new() { Text = text, Number = 42, Tags = ["a", "ü"], When = new DateTime(2026, 12, 3, 1, 2, 3, DateTimeKind.Utc).AddTicks(4567) };

    [Fact]
    public async Task A_row_written_by_the_provider_is_the_row_laid_out_here()
    {
        await using var silo = await StartAsync();
        var grain = NewGrain("键/");
        var state = Probe("by the provider");

        var written = new GrainState<ProbeState>(state);
        await silo.Storage.WriteStateAsync(StateName, grain, written);

        var expected = silo.Rows.RowOf(grain, StateName, state);
        var stored = await RawRowAsync(silo.Store, grain);
        Assert.Equal(
            (expected.IdHash, expected.TypeHash, silo.Rows.ServiceId, 0L, 0L, StateName, 1L),
            (stored.IdHash, stored.TypeHash, stored.ServiceId, stored.N0, stored.N1, stored.Type, stored.Version));
        Assert.Equal(expected.Payload, stored.Payload);
        Assert.Equal([0x00, 0x01], stored.Payload[..2]);
        Assert.Equal("1", written.ETag);
    }

    [Fact]
    public async Task A_row_inserted_here_is_read_by_the_provider_with_its_state_and_etag_and_versioned_on()
    {
        await using var silo = await StartAsync();
        var grain = NewGrain("inserted/");

        Assert.Null(Assert.Single(await silo.Rows.InsertAsync([silo.Rows.RowOf(grain, StateName, Probe("inserted here"))], CancellationToken.None)));

        var read = await silo.ReadAsync(StateName, grain);
        Assert.True(read.RecordExists);
        Assert.Equal("1", read.ETag);
        AssertSame(Probe("inserted here"), read.State);

        // The provider treats the row as its own: a first write is refused, a write with its ETag makes version 2.
        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.WriteStateAsync(StateName, grain, new GrainState<ProbeState>(Probe("first again"))));
        read.State!.Text = "changed";
        await silo.Storage.WriteStateAsync(StateName, grain, read);
        Assert.Equal("2", read.ETag);
    }

    [Fact]
    public async Task A_second_insert_of_a_grain_is_refused_leaves_the_first_and_answers_it()
    {
        await using var silo = await StartAsync();
        var mine = NewGrain("twice/");
        var providers = NewGrain("provider-first/");
        await silo.Storage.WriteStateAsync(StateName, providers, new GrainState<ProbeState>(Probe("the provider's")));

        // The same grain twice in one insert, and a grain the provider wrote first.
        var first = silo.Rows.RowOf(mine, StateName, Probe("first"));
        var answers = await silo.Rows.InsertAsync(
            [first, silo.Rows.RowOf(mine, StateName, Probe("second")), silo.Rows.RowOf(providers, StateName, Probe("too late"))], CancellationToken.None);
        Assert.Null(answers[0]);
        Assert.Equal(first.Payload, answers[1]!.Payload);
        Assert.Equal(1, answers[1]!.Version);
        AssertSame(Probe("the provider's"), silo.Rows.Deserialize<ProbeState>(answers[2]!.Payload!));

        // A later insert is refused too and answers the stored row, which the provider still reads as it was.
        var again = Assert.Single(await silo.Rows.InsertAsync([silo.Rows.RowOf(mine, StateName, Probe("later"))], CancellationToken.None));
        Assert.Equal(first.Payload, again!.Payload);
        Assert.Equal(1, again.Version);
        var read = await silo.ReadAsync(StateName, mine);
        Assert.Equal("1", read.ETag);
        AssertSame(Probe("first"), read.State);
        Assert.Equal(1, await silo.Store.ScalarAsync("SELECT COUNT(*) FROM orleans_storage WHERE grain_id_extension = @k", ("k", mine.Key.ToString())));
    }

    [Fact]
    public async Task The_sweep_finds_case_rows_written_by_the_provider_and_here()
    {
        await using var silo = await StartAsync();
        var d = Fresh.District();
        var byProvider = GrainId.Create("case", CaseIds.New(d, DateTimeOffset.UtcNow));
        var byRows = GrainId.Create("case", CaseIds.New(d, DateTimeOffset.UtcNow));

        var after = await silo.Rows.NowMinusAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        await silo.Storage.WriteStateAsync("case", byProvider, new GrainState<ProbeState>(Probe("case by the provider")));
        Assert.Null(Assert.Single(await silo.Rows.InsertAsync([silo.Rows.RowOf(byRows, "case", Probe("case inserted here"))], CancellationToken.None)));
        var until = await silo.Rows.NowMinusAsync(TimeSpan.Zero, CancellationToken.None);

        var found = await silo.Rows.UnprojectedCasesAsync((after, ""), until, 100, CancellationToken.None);
        Assert.Equal(
            new[] { byProvider.Key.ToString(), byRows.Key.ToString() }.Order(StringComparer.Ordinal),
            found.Select(r => r.CaseId).Where(id => id.StartsWith(d, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_hasher_and_the_service_id_are_the_ones_the_provider_is_configured_with()
    {
        var overridden = "svc-main-" + Guid.NewGuid().ToString("N");
        await using var silo = await StartAsync(builder =>
        {
            builder.Services.Configure<AdoNetGrainStorageOptions>(ProviderNames.MainStorage, o => o.UseOrleans3CompatibleHasher());
            builder.Services.AddKeyedSingleton(ProviderNames.MainStorage, new ClusterOptions { ClusterId = "contract", ServiceId = overridden });
        });
        var grain = NewGrain("configured/");
        var state = Probe("configured");

        await silo.Storage.WriteStateAsync(StateName, grain, new GrainState<ProbeState>(state));

        var expected = silo.Rows.RowOf(grain, StateName, state);
        var stored = await RawRowAsync(silo.Store, grain);
        Assert.Equal((expected.IdHash, expected.TypeHash, overridden), (stored.IdHash, stored.TypeHash, stored.ServiceId));
        Assert.Equal(overridden, silo.Rows.ServiceId);

        // The configured hasher is not the default one, so this test tells them apart.
        var keyBytes = System.Text.Encoding.UTF8.GetBytes(grain.Key.ToString()!).Reverse().ToArray();
        Assert.NotEqual(new OrleansDefaultHasher().Hash(keyBytes), stored.IdHash);
    }

    private static GrainId NewGrain(string prefix) => GrainId.Create("contract", prefix + Guid.NewGuid().ToString("N"));

    /// <summary>A fresh database and one silo in GridGov's wiring, without the timed sweep (these tests write case rows that are not cases).</summary>
    private async Task<ContractSilo> StartAsync(Action<ISiloBuilder>? configure = null)
    {
        var store = await MigratedStore.CreateAsync(kind);
        try
        {
            var cluster = await GridCluster.StartAsync(kind, store.ConnectionString, silos: 1, configure: silo =>
            {
                silo.Services.AddSingleton(new CaseSweepSettings(TimeSpan.FromHours(1), TimeSpan.Zero, TimeSpan.FromMinutes(5)));
                configure?.Invoke(silo);
            });
            return new ContractSilo(store, cluster);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    private static async Task<(int IdHash, int TypeHash, string ServiceId, long N0, long N1, string Type, byte[] Payload, long Version)> RawRowAsync(
        MigratedStore store, GrainId grain)
    {
        var row = Assert.Single(await store.RowsAsync(
            """
            SELECT grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, grain_type, payload, version
            FROM orleans_storage WHERE grain_id_extension = @k
            """,
            ("k", grain.Key.ToString())));
        return (
            Convert.ToInt32(row[0], CultureInfo.InvariantCulture), Convert.ToInt32(row[1], CultureInfo.InvariantCulture), (string)row[2]!,
            Convert.ToInt64(row[3], CultureInfo.InvariantCulture), Convert.ToInt64(row[4], CultureInfo.InvariantCulture), (string)row[5]!,
            (byte[])row[6]!, Convert.ToInt64(row[7], CultureInfo.InvariantCulture));
    }

    private static void AssertSame(ProbeState expected, ProbeState? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal((expected.Text, expected.Number, expected.When, expected.When.Kind), (actual.Text, actual.Number, actual.When, actual.When.Kind));
        Assert.Equal(expected.Tags, actual.Tags);
    }
}

public sealed class PostgresOrleansStorageContractTests() : OrleansStorageContractTests(DatabaseKind.PostgreSql);

public sealed class SqliteOrleansStorageContractTests() : OrleansStorageContractTests(DatabaseKind.Sqlite);

/// <summary>The silo a contract test runs against, its database, and the two ways into <c>orleans_storage</c>.</summary>
internal sealed class ContractSilo(MigratedStore store, InProcessTestCluster cluster) : IAsyncDisposable
{
    private readonly IServiceProvider _services = ((InProcessSiloHandle)cluster.Silos[0]).SiloHost.Services;

    public MigratedStore Store => store;

    public OrleansStorageRows Rows => _services.GetRequiredService<OrleansStorageRows>();

    public IGrainStorage Storage => _services.GetRequiredKeyedService<IGrainStorage>(ProviderNames.MainStorage);

    /// <summary>The grain's state as the provider reads it.</summary>
    public async Task<GrainState<ProbeState>> ReadAsync(string stateName, GrainId grain)
    {
        var state = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(stateName, grain, state);
        return state;
    }

    public async ValueTask DisposeAsync()
    {
        await cluster.DisposeAsync();
        await store.DisposeAsync();
    }
}
