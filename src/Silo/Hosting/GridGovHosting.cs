using System.Net;
using GridGov.Contracts;
using GridGov.Grains.Territory;
using GridGov.Silo.Storage;
using GridGov.Silo.Territory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace GridGov.Silo.Hosting;

/// <summary>How every GridGov host is configured: one path for the API, the headless silo and the tests.</summary>
public static class GridGovHosting
{
    /// <summary>
    /// Reads <see cref="GridGovSettings"/> and makes this process a silo (Embedded mode, or Cluster mode with
    /// <c>HostSilo</c>) or a client of the cluster's silos.
    /// </summary>
    public static GridGovSettings AddGridGov(this IHostApplicationBuilder builder)
    {
        var settings = GridGovSettings.Load(builder.Configuration);
        builder.Services.AddSingleton(settings);

        if (settings.MigrateOnStart)
        {
            // Hosted services start in order: the schema is in place before the silo's own hosted service starts.
            builder.Services.AddHostedService<MigrateOnStartService>();
        }

        if (settings.HostSilo)
        {
            builder.UseOrleans(silo => silo.ConfigureGridGovSilo(settings));
        }
        else
        {
            builder.UseOrleansClient(client => client.ConfigureGridGovClient(settings));
        }

        return settings;
    }

    public static ISiloBuilder ConfigureGridGovSilo(this ISiloBuilder silo, GridGovSettings settings)
    {
        silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });

        if (settings.Mode == HostingMode.Embedded)
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, null, settings.ServiceId, settings.ClusterId);
        }
        else
        {
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = StorageInvariants.PostgreSql;
                o.ConnectionString = settings.ConnectionString;
            });
            if (settings.AdvertisedAddress is { } address)
            {
                silo.ConfigureEndpoints(address, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
            }
            else
            {
                silo.ConfigureEndpoints(settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
            }
        }

        return silo.AddGridGovServices(settings.Database, settings.ConnectionString);
    }

    /// <summary>Storage, reminders, streams and the grains' services, on the given database (tests call this directly).</summary>
    public static ISiloBuilder AddGridGovServices(this ISiloBuilder silo, DatabaseKind database, string connectionString)
    {
        var invariant = StorageInvariants.For(database);
        silo.AddAdoNetGrainStorage(ProviderNames.MainStorage, o =>
        {
            o.Invariant = invariant;
            o.ConnectionString = connectionString;
        });
        silo.AddAdoNetGrainStorage(ProviderNames.PubSubStorage, o =>
        {
            o.Invariant = invariant;
            o.ConnectionString = connectionString;
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = invariant;
            o.ConnectionString = connectionString;
        });
        silo.AddMemoryStreams(ProviderNames.Streams);
        silo.Services.TryAddSingleton<ITerritoryIndexStore>(new AdoNetTerritoryIndexStore(database, connectionString));
        silo.Services.TryAddSingleton(TimeProvider.System);
        return silo;
    }

    public static IClientBuilder ConfigureGridGovClient(this IClientBuilder client, GridGovSettings settings)
    {
        client.Configure<Orleans.Configuration.ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        client.UseAdoNetClustering(o =>
        {
            o.Invariant = StorageInvariants.PostgreSql;
            o.ConnectionString = settings.ConnectionString;
        });
        client.AddMemoryStreams(ProviderNames.Streams);
        return client;
    }

    private sealed class MigrateOnStartService(GridGovSettings settings) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            SchemaMigrator.MigrateAsync(settings.Database, settings.ConnectionString, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
