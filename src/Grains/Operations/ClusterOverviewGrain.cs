using GridGov.Contracts.Operations;
using Orleans.Concurrency;

namespace GridGov.Grains.Operations;

/// <summary>
/// Joins the membership table's silos with the activation counts every active silo reports. Stateless, so it runs on
/// whichever silo takes the call and survives any one silo's loss.
/// </summary>
[StatelessWorker]
internal sealed class ClusterOverviewGrain : Grain, IClusterOverviewGrain
{
    async Task<IReadOnlyList<ClusterSilo>> IClusterOverviewGrain.GetSilosAsync(bool includeDead)
    {
        var management = GrainFactory.GetGrain<IManagementGrain>(0);
        var hostsTask = management.GetDetailedHosts(onlyActive: false);
        var statisticsTask = management.GetSimpleGrainStatistics();
        var hosts = await hostsTask;
        var statistics = await statisticsTask;
        var bySilo = statistics.ToLookup(s => s.SiloAddress);

        return hosts
            .Where(h => includeDead || h.Status != SiloStatus.Dead)
            .OrderBy(h => h.Status == SiloStatus.Dead)
            .ThenBy(h => h.SiloAddress.ToString(), StringComparer.Ordinal)
            .Select(h => new ClusterSilo(
                h.SiloAddress.ToString(),
                h.SiloName,
                h.HostName,
                h.Status.ToString(),
                h.ProxyPort,
                new DateTimeOffset(DateTime.SpecifyKind(h.StartTime, DateTimeKind.Utc)),
                new DateTimeOffset(DateTime.SpecifyKind(h.IAmAliveTime, DateTimeKind.Utc)),
                bySilo[h.SiloAddress]
                    .GroupBy(s => s.GrainType, StringComparer.Ordinal)
                    .Select(g => new GrainTypeActivations(g.Key, g.Sum(s => s.ActivationCount)))
                    .OrderBy(a => a.GrainType, StringComparer.Ordinal)
                    .ToArray()))
            .ToArray();
    }
}
