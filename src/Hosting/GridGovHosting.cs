using System.Net;
using GridGov.Contracts;
using GridGov.Contracts.Security;
using GridGov.Grains.Cases;
using GridGov.Grains.People;
using GridGov.Grains.Security;
using GridGov.Hosting.Cases;
using GridGov.Hosting.Live;
using GridGov.Hosting.Operations;
using GridGov.Contracts.Operations;
using GridGov.Hosting.People;
using GridGov.Grains.Territory;
using GridGov.Hosting.Security;
using GridGov.Hosting.Storage;
using GridGov.Hosting.Telemetry;
using GridGov.Hosting.Territory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using GridGov.Contracts.People;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Territory;

namespace GridGov.Hosting;

/// <summary>How every GridGov host is configured: one path for the API, the headless silo and the tests.</summary>
public static class GridGovHosting
{
    /// <summary>
    /// Reads <see cref="GridGovSettings"/> and makes this process a silo (Embedded mode, or Cluster mode with
    /// <c>HostSilo</c>) or a client of the cluster's silos.
    /// </summary>
    public static GridGovSettings AddGridGov(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(builder.AddGridGovLoggingDefaults());
        var settings = GridGovSettings.Load(builder.Configuration);
        var auth = AuthSettings.Load(builder.Configuration, settings);
        var signer = auth.Signer();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(auth);
        builder.Services.AddStores(settings.Database, settings.ConnectionString, signer);
        var telemetry = builder.AddGridGovTelemetry();
        builder.Services.AddSingleton<IClusterOverviewQuery, ClusterOverviewQuery>();

        if (settings.MigrateOnStart)
        {
            // Hosted services start in order: the schema is in place before the silo's own hosted service starts.
            builder.Services.AddHostedService<MigrateOnStartService>();
        }

        if (settings.HostSilo)
        {
            builder.UseOrleans(silo =>
            {
                silo.ConfigureGridGovSilo(settings, signer);
                if (telemetry.OtlpEndpoint is not null)
                {
                    // Traces follow grain calls from silo to silo only when someone collects them.
                    silo.AddActivityPropagation();
                }
            });
        }
        else
        {
            builder.UseOrleansClient(client =>
            {
                client.ConfigureGridGovClient(settings);
                if (telemetry.OtlpEndpoint is not null)
                {
                    client.AddActivityPropagation();
                }
            });
        }

        return settings;
    }

    public static ISiloBuilder ConfigureGridGovSilo(this ISiloBuilder silo, GridGovSettings settings, CallerSigner signer)
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

        // Failure detection (probe timeouts, missed probes, …) is tunable per deployment under GridGov:Membership.
        // GridGov's defaults suspect a silo killed without grace after two missed 2 s probes instead of three missed
        // 5 s ones, so the calls that wait on it fail over within the 10 s an operator is promised
        // (docs/operations.md); a silo starved of CPU is not evicted for it, because Orleans extends the probe timeout
        // while the prober itself is degraded.
        silo.Services.AddOptions<Orleans.Configuration.ClusterMembershipOptions>()
            .Configure(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(10);
            })
            .BindConfiguration("GridGov:Membership");
        silo.AddGridGovDashboard();
        if (settings.Rebalance)
        {
            // Opt-in: Orleans marks the rebalancer experimental; docs/operations.md has what it did in our runs.
#pragma warning disable ORLEANSEXP002
            silo.AddActivationRebalancer();
#pragma warning restore ORLEANSEXP002
        }

        if (settings.Balance.Enabled)
        {
            silo.AddGridGovBalancer(settings.Balance);
        }

        return silo.AddGridGovServices(settings.Database, settings.ConnectionString, signer);
    }

    /// <summary>
    /// Storage, reminders, streams, the grains' services and the live-feed and webhook services, on the given database
    /// (tests call this directly).
    /// </summary>
    public static ISiloBuilder AddGridGovServices(this ISiloBuilder silo, DatabaseKind database, string connectionString, CallerSigner signer)
    {
        var invariant = StorageInvariants.For(database);
        CachedGrainInterfaceTypes.AddTo(silo.Services);
        silo.AddAdoNetGrainStorage(ProviderNames.MainStorage, o =>
        {
            o.Invariant = invariant;
            o.ConnectionString = connectionString;
        });
        // GridGov's grains store Orleans' binary format and still read the JSON rows written before it.
        silo.Services.AddOptions<AdoNetGrainStorageOptions>(ProviderNames.MainStorage)
            .Configure<Serializer, IGrainStorageSerializer>((o, binary, legacy) => o.GrainStorageSerializer = new GrainStateSerializer(binary, legacy));
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
        // Events are delivered as they arrive; the queue cache only has to cover a consumer that lags briefly. Orleans'
        // default keeps every message until it is 30 minutes older than the newest, which under load holds gigabytes.
        silo.Services.AddOptions<Orleans.Configuration.StreamCacheEvictionOptions>(ProviderNames.Streams).Configure(o =>
        {
            o.DataMinTimeInCache = TimeSpan.FromSeconds(30);
            o.DataMaxAgeInCache = TimeSpan.FromSeconds(30);
        });
        // A grid's events that arrive between two pulls reach its view in one delivery, not one delivery each.
        silo.Services.AddOptions<Orleans.Configuration.StreamPullingAgentOptions>(ProviderNames.Streams)
            .Configure(o => o.BatchContainerBatchSize = 64);
        silo.Services.AddStores(database, connectionString, signer);
        // Case reception's first writes, grouped into one write per round trip, and the outbox sweep's queries.
        silo.Services.TryAddSingleton(sp => OrleansStorageRows.Of(sp, database, connectionString));
        silo.Services.TryAddSingleton<INewCaseStore>(sp => new GroupedNewCaseStore(
            sp.GetRequiredService<OrleansStorageRows>(),
            new GrainStorageNewCaseStore(sp.GetRequiredKeyedService<IGrainStorage>(ProviderNames.MainStorage))));
        silo.Services.TryAddSingleton(CaseSweepSettings.Default);
        silo.Services.AddHostedService<CaseOutboxSweeper>();
        silo.AddIncomingGrainCallFilter<TenantCallFilter>();
        silo.AddGridGovLive(database, connectionString);
        return silo;
    }

    /// <summary>GridGov's own tables and the caller signer, for silos and for the API (which reads lists and the audit log).</summary>
    private static IServiceCollection AddStores(this IServiceCollection services, DatabaseKind database, string connectionString, CallerSigner signer)
    {
        services.TryAddSingleton(signer);
        services.TryAddSingleton<ITerritoryIndexStore>(new AdoNetTerritoryIndexStore(database, connectionString));
        services.TryAddSingleton<IApiKeyStore>(new AdoNetApiKeyStore(database, connectionString));
        services.TryAddSingleton<ICaseReadModel>(new AdoNetCaseReadModel(database, connectionString));
        services.TryAddSingleton<CategoryCache>();
        services.TryAddSingleton<Grains.Territory.KnownNodes>();
        services.TryAddSingleton<Grains.Territory.DistrictIndexes>();
        services.TryAddSingleton<IPeopleReadModel>(new AdoNetPeopleReadModel(database, connectionString));
        services.TryAddSingleton<Contracts.Points.IPointsReadModel>(new Points.AdoNetPointsReadModel(database, connectionString));
        services.TryAddSingleton<Grains.Points.PointRuleCache>();
        services.TryAddSingleton<Contracts.Police.IPoliceAreaStore>(new Police.AdoNetPoliceAreaStore(database, connectionString));
        services.TryAddSingleton<Contracts.Enterprises.IEnterpriseReadModel>(new Enterprises.AdoNetEnterpriseReadModel(database, connectionString));
        services.TryAddSingleton<Contracts.ServicePoints.IServicePointReadModel>(new ServicePoints.AdoNetServicePointReadModel(database, connectionString));
        services.TryAddSingleton<Contracts.Patrols.IPatrolReadModel>(new Patrols.AdoNetPatrolReadModel(database, connectionString));
        services.TryAddSingleton(TimeProvider.System);
        TelemetryHosting.AddGridGovMetrics(services);
        return services;
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
        client.AddGridGovDashboard();
        CachedGrainInterfaceTypes.AddTo(client.Services);

        // A request whose gateway dies after it was sent gets no answer: only the response timeout ends it, so that
        // timeout bounds how long a killed silo is felt (Orleans' 30 s would be a 30 s hang and then an error). With
        // 10 s the failures of our runs ended 9.4–10.2 s after the kill; 8 s keeps them inside the 10 s promised
        // (docs/operations.md). The gateway list is refreshed every few seconds so a silo that joins takes client
        // traffic soon.
        client.Services.AddOptions<Orleans.Configuration.ClientMessagingOptions>()
            .Configure(o => o.ResponseTimeout = TimeSpan.FromSeconds(8))
            .BindConfiguration("GridGov:ClientMessaging");
        client.Services.AddOptions<Orleans.Configuration.GatewayOptions>()
            .Configure(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5))
            .BindConfiguration("GridGov:Gateway");
        client.Services.TryAddSingleton<GatewayConnections>();
        client.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<GatewayConnections>());
        return client;
    }

    private sealed class MigrateOnStartService(GridGovSettings settings) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            SchemaMigrator.MigrateAsync(settings.Database, settings.ConnectionString, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
