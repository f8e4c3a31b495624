using GridGov.Hosting;
using GridGov.Hosting.Live;
using GridGov.Hosting.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GridGov.Api.Live;

/// <summary>What the API needs for live feeds and webhook management, whether or not it co-hosts a silo.</summary>
public static class LiveSetup
{
    /// <summary>
    /// The process's one case-event tailer (feeds), the log reader, the webhook store and registry, and the secrets' seal. Reads and
    /// checks <c>GridGov:Live</c> and <c>GridGov:Webhooks</c>: call it where configuration errors are reported.
    /// </summary>
    public static void AddGridGovLive(this WebApplicationBuilder builder)
    {
        var settings = GridGovSettings.Load(builder.Configuration);
        builder.Services.AddLiveStores(builder.Configuration, settings.Database, settings.ConnectionString);
        builder.Services.TryAddSingleton(sp => new WebhookSecrets(sp.GetRequiredService<AuthSettings>()));
        builder.Services.TryAddSingleton<WebhookRegistry>();
        builder.Services.AddSingleton<CaseEventTailer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CaseEventTailer>());
    }
}
