using GridGov.Contracts.Operations;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Messaging;

namespace GridGov.Hosting.Operations;

/// <summary>
/// The API's one call for <c>GET /api/v1/cluster</c>: the silos from the cluster (one grain call) and, in a client
/// process, the gateways from the client's own gateway list and connection count.
/// </summary>
internal sealed class ClusterOverviewQuery(IGrainFactory grains, GridGovSettings settings, IServiceProvider services) : IClusterOverviewQuery
{
    public async Task<ClusterOverview> GetAsync(bool includeDead, CancellationToken cancellationToken)
    {
        var silos = await grains.GetGrain<IClusterOverviewGrain>(0).GetSilosAsync(includeDead).WaitAsync(cancellationToken);
        if (settings.HostSilo)
        {
            return new ClusterOverview(silos, new GatewayView("silo", [], null));
        }

        // The provider the client itself refreshes its gateway list from (the membership table's active gateways).
        var provider = services.GetRequiredService<IGatewayListProvider>();
        var known = await provider.GetGateways().WaitAsync(cancellationToken);
        var connections = services.GetRequiredService<GatewayConnections>();
        return new ClusterOverview(
            silos,
            new GatewayView("client", known.Select(u => u.ToString()).Order(StringComparer.Ordinal).ToArray(), connections.Connected));
    }
}

/// <summary>Keeps the number of gateways the cluster client is connected to, as Orleans reports its changes.</summary>
internal sealed class GatewayConnections : IClusterConnectionStatusObserver
{
    private int _connected = -1;

    /// <summary>Null until Orleans has reported a count.</summary>
    public int? Connected => Volatile.Read(ref _connected) is var n and >= 0 ? n : null;

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered) =>
        Volatile.Write(ref _connected, currentNumberOfGateways);

    public void NotifyClusterConnectionLost() => Volatile.Write(ref _connected, 0);
}
