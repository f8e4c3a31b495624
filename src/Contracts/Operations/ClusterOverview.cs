namespace GridGov.Contracts.Operations;

/// <summary>
/// The silos as the cluster's membership sees them, with each active silo's activations by grain type. A stateless
/// worker asks Orleans' management grain, so any silo answers and no grain sits on every operator's request.
/// </summary>
[Alias("gridgov.cluster-overview")]
public interface IClusterOverviewGrain : IGrainWithIntegerKey
{
    /// <param name="includeDead">Also list the dead silos the membership table still remembers.</param>
    [Orleans.Concurrency.ReadOnly, Alias("silos")]
    Task<IReadOnlyList<ClusterSilo>> GetSilosAsync(bool includeDead);
}

/// <summary>One silo: its address (<c>ip:port@generation</c>), status, start time and activations by grain type.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.cluster-silo")]
public sealed record ClusterSilo(
    [property: Id(0)] string Address,
    [property: Id(1)] string Name,
    [property: Id(2)] string HostName,
    [property: Id(3)] string Status,
    [property: Id(4)] int GatewayPort,
    [property: Id(5)] DateTimeOffset StartedAt,
    [property: Id(6)] DateTimeOffset IAmAliveAt,
    [property: Id(7)] IReadOnlyList<GrainTypeActivations> Activations);

[GenerateSerializer, Immutable, Alias("gridgov.grain-type-activations")]
public sealed record GrainTypeActivations([property: Id(0)] string GrainType, [property: Id(1)] int Count);

/// <summary>This process's own view of how it reaches the cluster.</summary>
/// <param name="Mode"><c>client</c>: a cluster client using gateways; <c>silo</c>: the process hosts a silo itself.</param>
/// <param name="Known">The gateways the client's gateway list provider lists now (empty in a silo).</param>
/// <param name="Connected">How many gateways the client is connected to, as Orleans last reported (null in a silo).</param>
public sealed record GatewayView(string Mode, IReadOnlyList<string> Known, int? Connected);

public sealed record ClusterOverview(IReadOnlyList<ClusterSilo> Silos, GatewayView Gateways);

/// <summary>The cluster's silos and this process's gateways, in one call (implemented by the host).</summary>
public interface IClusterOverviewQuery
{
    Task<ClusterOverview> GetAsync(bool includeDead, CancellationToken cancellationToken);
}
