using GridGov.Hosting.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GridGov.Hosting.Live;

/// <summary>How hosts take part in live feeds and webhooks (docs/live.md).</summary>
public static class LiveHosting
{
    /// <summary>
    /// A silo host's share: retention of the case-event log, the webhook router and the webhook deliverer. Reads and
    /// checks <c>GridGov:Live</c> and <c>GridGov:Webhooks</c> now, so a wrong value stops the host at start.
    /// </summary>
    public static ISiloBuilder AddGridGovLive(this ISiloBuilder silo, DatabaseKind database, string connectionString)
    {
        silo.Services.AddLiveStores(silo.Configuration, database, connectionString);
        silo.Services.TryAddSingleton<Grains.Decisions.IDecisionEventSink>(new Decisions.DecisionEventLog(database, connectionString));
        silo.Services.AddHostedService<LiveRetention>();
        silo.Services.AddHostedService<WebhookRouter>();
        silo.Services.AddHostedService<WebhookDeliverer>();
        return silo;
    }

    /// <summary>The settings, the log reader and the webhook store (the API's feeds and webhook endpoints need them too).</summary>
    public static IServiceCollection AddLiveStores(this IServiceCollection services, IConfiguration configuration, DatabaseKind database, string connectionString)
    {
        services.TryAddSingleton(LiveSettings.Load(configuration));
        services.TryAddSingleton(WebhookSettings.Load(configuration));
        services.TryAddSingleton(new CaseEventLog(database, connectionString));
        services.TryAddSingleton(new WebhookStore(database, connectionString));
        services.TryAddSingleton<IWebhookAddressResolver, DnsWebhookAddressResolver>();
        return services;
    }
}
