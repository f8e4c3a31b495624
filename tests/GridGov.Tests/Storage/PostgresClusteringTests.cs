using GridGov.Tests.Infrastructure;
using System.Net;
using GridGov.Hosting.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Messaging;
using Orleans.Runtime;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;

namespace GridGov.Tests.Storage;

/// <summary>The ADO.NET clustering provider against GridGov's PostgreSQL schema.</summary>
public sealed class PostgresClusteringTests
{
    private const int Active = (int)SiloStatus.Active;
    private const int Dead = (int)SiloStatus.Dead;

    [Fact]
    public async Task Two_silos_using_the_postgres_membership_table_form_one_cluster()
    {
        await using var store = await MigratedStore.CreateAsync(DatabaseKind.PostgreSql);
        var clusterId = "cluster-" + Guid.NewGuid().ToString("N");
        var serviceId = "svc-" + Guid.NewGuid().ToString("N");

        var silos = new List<IHost>();
        IHost? client = null;
        try
        {
            foreach (var name in new[] { "silo-a", "silo-b" })
            {
                var silo = BuildSilo(store, clusterId, serviceId, name);
                await silo.StartAsync();
                silos.Add(silo);
            }

            var active = await Eventually.MatchesAsync(
                () => MembersAsync(store, clusterId),
                rows => rows.Count == 2 && rows.All(r => r.Status == Active),
                "both silos to be Active in the membership table");
            Assert.Equal(["silo-a", "silo-b"], active.Select(r => r.SiloName).Order(StringComparer.Ordinal));
            Assert.All(active, r => Assert.True(r.ProxyPort > 0));

            // Each silo sees the other through the table.
            foreach (var silo in silos)
            {
                var membership = silo.Services.GetRequiredService<IClusterMembershipService>();
                await Eventually.MatchesAsync(
                    () => Task.FromResult(membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active)),
                    n => n == 2,
                    "each silo's view to contain both active silos");
            }

            // A client finds the gateways through the same table and reaches a grain.
            client = BuildClient(store, clusterId, serviceId);
            await client.StartAsync();
            var grains = client.Services.GetRequiredService<IClusterClient>();
            var where = await grains.GetGrain<IClusterProbeGrain>(Guid.NewGuid().ToString("N")).WhereAsync();
            Assert.False(string.IsNullOrEmpty(where));

            await client.StopAsync();
            foreach (var silo in silos)
            {
                await silo.StopAsync();
            }

            // Graceful shutdown is recorded through the versioned update.
            var stopped = await MembersAsync(store, clusterId);
            Assert.Equal(2, stopped.Count);
            Assert.All(stopped, r => Assert.Equal(Dead, r.Status));
        }
        finally
        {
            if (client is not null)
            {
                await DisposeAsync(client);
            }

            foreach (var silo in silos)
            {
                await DisposeAsync(silo);
            }
        }
    }

    [Fact]
    public async Task The_membership_table_enforces_its_version_etag()
    {
        await using var store = await MigratedStore.CreateAsync(DatabaseKind.PostgreSql);
        var clusterId = "cluster-" + Guid.NewGuid().ToString("N");
        var table = CreateTable(store, clusterId);
        await table.InitializeMembershipTableAsync(true);
        await table.InitializeMembershipTableAsync(true); // a second silo initialising must not reset the version

        var empty = await table.ReadAllAsync();
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        var now = DateTime.UtcNow;
        var a = Entry("silo-a", 11_111, SiloStatus.Joining, now);
        var b = Entry("silo-b", 11_112, SiloStatus.Joining, now);

        Assert.True(await table.InsertRowAsync(a, empty.Version.Next()));
        Assert.False(await table.InsertRowAsync(b, empty.Version.Next())); // stale table version

        var one = await table.ReadAllAsync();
        Assert.Equal(1, one.Version.Version);
        Assert.False(await table.InsertRowAsync(a, one.Version.Next())); // the silo is already there
        Assert.Equal(1, (await table.ReadAllAsync()).Version.Version); // ... and the refused insert changed nothing

        Assert.True(await table.InsertRowAsync(b, one.Version.Next()));
        var two = await table.ReadAllAsync();
        Assert.Equal(2, two.Version.Version);
        Assert.Equal(2, two.Members.Count);
        Assert.All(two.Members, m => Assert.Equal(two.Version.VersionEtag, m.Item2)); // rows carry the table version

        a.Status = SiloStatus.Active;
        Assert.False(await table.UpdateRowAsync(a, one.Version.VersionEtag, one.Version.Next())); // stale
        Assert.True(await table.UpdateRowAsync(a, two.Version.VersionEtag, two.Version.Next()));
        var three = await table.ReadAllAsync();
        Assert.Equal(3, three.Version.Version);

        b.SuspectTimes = [Tuple.Create(a.SiloAddress, now)];
        Assert.True(await table.UpdateRowAsync(b, three.Version.VersionEtag, three.Version.Next()));

        var rowA = await table.ReadRowAsync(a.SiloAddress);
        Assert.Equal(4, rowA.Version.Version);
        var readA = Assert.Single(rowA.Members).Item1;
        Assert.Equal(a.SiloAddress, readA.SiloAddress);
        Assert.Equal(SiloStatus.Active, readA.Status);
        Assert.Equal("silo-a", readA.SiloName);
        Assert.Equal("host-silo-a", readA.HostName);
        Assert.Equal(a.ProxyPort, readA.ProxyPort);
        Assert.Equal(Truncate(a.StartTime), readA.StartTime);

        var readB = Assert.Single((await table.ReadRowAsync(b.SiloAddress)).Members).Item1;
        var suspicion = Assert.Single(readB.SuspectTimes ?? []);
        Assert.Equal(a.SiloAddress, suspicion.Item1);

        // Heartbeats are not versioned.
        a.IAmAliveTime = now.AddMinutes(1);
        await table.UpdateIAmAliveAsync(a);
        var afterHeartbeat = await table.ReadRowAsync(a.SiloAddress);
        Assert.Equal(4, afterHeartbeat.Version.Version);
        Assert.Equal(Truncate(a.IAmAliveTime), afterHeartbeat.Members[0].Item1.IAmAliveTime);

        // Clients are given the active silos' gateways only.
        var gateways = CreateGatewayProvider(store, clusterId);
        await gateways.InitializeGatewayListProviderAsync();
        var uri = Assert.Single(await gateways.GetGatewaysAsync());
        Assert.Equal(SiloAddress.New(IPAddress.Loopback, a.ProxyPort, a.SiloAddress.Generation).ToGatewayUri(), uri);

        // Defunct = dead, and started, heard from and suspected before the cutoff. Live silos stay.
        b.Status = SiloStatus.Dead;
        Assert.True(await table.UpdateRowAsync(b, afterHeartbeat.Version.VersionEtag, afterHeartbeat.Version.Next()));
        await table.CleanupDefunctSiloEntriesAsync(now.AddSeconds(30));
        var remaining = await table.ReadAllAsync();
        Assert.Equal(["silo-a"], remaining.Members.Select(m => m.Item1.SiloName));

        await table.DeleteMembershipTableEntriesAsync(clusterId);
        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM orleans_membership"));
        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM orleans_membership_version"));
    }

    private static IHost BuildSilo(MigratedStore store, string clusterId, string serviceId, string name)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = name);
            silo.ConfigureEndpoints(IPAddress.Loopback, Fresh.Port(), Fresh.Port());
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = StorageInvariants.PostgreSql;
                o.ConnectionString = store.ConnectionString;
            });
        });
        return builder.Build();
    }

    private static IHost BuildClient(MigratedStore store, string clusterId, string serviceId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = StorageInvariants.PostgreSql;
                o.ConnectionString = store.ConnectionString;
            });
        });
        return builder.Build();
    }

    private static async Task DisposeAsync(IHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }

        if (host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }
    }

    private static AdoNetClusteringTable CreateTable(MigratedStore store, string clusterId)
    {
        var services = new ServiceCollection().BuildServiceProvider();
        return new AdoNetClusteringTable(
            services,
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "svc" }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = StorageInvariants.PostgreSql, ConnectionString = store.ConnectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);
    }

    private static AdoNetGatewayListProvider CreateGatewayProvider(MigratedStore store, string clusterId)
    {
        var services = new ServiceCollection().BuildServiceProvider();
        return new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            services,
            Options.Create(new AdoNetClusteringClientOptions { Invariant = StorageInvariants.PostgreSql, ConnectionString = store.ConnectionString }),
            Options.Create(new GatewayOptions()),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "svc" }));
    }

    private static MembershipEntry Entry(string name, int port, SiloStatus status, DateTime now) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 42),
        SiloName = name,
        HostName = "host-" + name,
        Status = status,
        ProxyPort = port + 1000,
        StartTime = now,
        IAmAliveTime = now,
    };

    // PostgreSQL keeps microseconds; .NET ticks are 100 ns.
    private static DateTime Truncate(DateTime value) => new(value.Ticks - (value.Ticks % 10), value.Kind);

    private static async Task<List<MemberRow>> MembersAsync(MigratedStore store, string clusterId)
    {
        var rows = await store.RowsAsync(
            "SELECT silo_name, status, proxy_port FROM orleans_membership WHERE deployment_id = @d ORDER BY silo_name",
            ("@d", clusterId));
        return [.. rows.Select(r => new MemberRow((string)r[0]!, Convert.ToInt32(r[1], System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt32(r[2], System.Globalization.CultureInfo.InvariantCulture)))];
    }

    private sealed record MemberRow(string SiloName, int Status, int ProxyPort);
}
