using GridGov.Hosting;
using GridGov.Hosting.Storage;
using GridGov.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace GridGov.Tests.Infrastructure;

/// <summary>An in-process cluster of GridGov silos (two by default) on a migrated database of either kind.</summary>
public static class GridCluster
{
    /// <summary>
    /// Grain state is stored per service id: clusters that must see each other's state share one. <paramref name="configure"/>
    /// runs after GridGov's services are added (to replace one of them).
    /// </summary>
    public static async Task<InProcessTestCluster> StartAsync(
        DatabaseKind kind, string connectionString, short silos = 2, string? serviceId = null, Action<ISiloBuilder>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        if (serviceId is not null)
        {
            builder.Options.ServiceId = serviceId;
        }

        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddGridGovServices(kind, connectionString, TestCallers.Signer);
            configure?.Invoke(silo);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(Contracts.ProviderNames.Streams));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>
    /// Kills <paramref name="victim"/> and waits until every silo left has declared it dead, reading each silo's own
    /// membership view. Asking through a grain instead (the management grain's hosts) can itself be routed to the dead
    /// silo before the cluster notices and wait out the whole 30 s response timeout, which once failed a CI run.
    /// </summary>
    public static async Task KillAndAwaitNoticeAsync(this InProcessTestCluster cluster, InProcessSiloHandle victim)
    {
        var dead = victim.SiloAddress;
        await cluster.KillSiloAsync(victim);
        var survivors = cluster.Silos.Where(s => !s.SiloAddress.Equals(dead)).ToArray();
        await Eventually.TrueAsync(
            () => Task.FromResult(survivors.All(s =>
                s.ServiceProvider.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.GetSiloStatus(dead) == SiloStatus.Dead)),
            "every silo left to declare the killed silo dead");
    }
}

/// <summary>Two silos on one SQLite file, shared by the grain tests of a collection.</summary>
public sealed class GridClusterFixture : IAsyncLifetime
{
    private MigratedStore? _store;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        _store = await MigratedStore.CreateAsync(DatabaseKind.Sqlite);
        Cluster = await GridCluster.StartAsync(_store.Kind, _store.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GridClusterCollection : ICollectionFixture<GridClusterFixture>
{
    public const string Name = "grid-cluster";
}
