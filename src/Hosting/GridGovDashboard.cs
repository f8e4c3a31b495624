using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;

namespace GridGov.Hosting;

/// <summary>
/// The Orleans Dashboard's grains and collectors, on every silo and on the API's cluster client, so the API's
/// <c>/dashboard</c> sees the whole cluster whether it co-hosts a silo or not. Tunable under <c>GridGov:Dashboard</c>
/// (<see cref="DashboardOptions"/>: <c>HideTrace</c>, <c>CounterUpdateIntervalMs</c>, <c>HistoryLength</c>).
/// </summary>
public static class GridGovDashboard
{
    public const string Section = "GridGov:Dashboard";

    public static ISiloBuilder AddGridGovDashboard(this ISiloBuilder silo)
    {
        silo.AddDashboard(Defaults);
        silo.Services.AddOptions<DashboardOptions>().BindConfiguration(Section);
        return silo;
    }

    public static IClientBuilder AddGridGovDashboard(this IClientBuilder client)
    {
        client.AddDashboard(Defaults);
        client.Services.AddOptions<DashboardOptions>().BindConfiguration(Section);
        return client;
    }

    /// <summary>
    /// The live log stream is off: it would send every silo's log lines to a browser, and operators read logs where
    /// the platform keeps them. Configuration may turn it on (<c>GridGov:Dashboard:HideTrace=false</c>).
    /// </summary>
    private static void Defaults(DashboardOptions options) => options.HideTrace = true;
}
