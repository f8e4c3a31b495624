using GridGov.Api.Security;
using GridGov.Contracts.Operations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Operations;

/// <summary>One grain type's activations on a silo (Orleans' grain type name).</summary>
public sealed record GrainActivationsView(string GrainType, int Count);

/// <summary>
/// A silo as the membership table sees it: <c>address</c> is <c>ip:port@generation</c>; <c>status</c> is Orleans'
/// (Joining, Active, ShuttingDown, Stopping, Dead); activations are those the silo reports now (none for a silo that
/// is not active).
/// </summary>
public sealed record SiloView(
    string Address, string Name, string HostName, string Status, int GatewayPort, DateTimeOffset StartedAt, DateTimeOffset IAmAliveAt,
    int ActivationCount, IReadOnlyList<GrainActivationsView> Activations);

/// <summary>How this API process reaches the cluster: <c>client</c> through gateways, or <c>silo</c> when it hosts one.</summary>
public sealed record GatewaysView(string Mode, IReadOnlyList<string> Known, int? Connected);

public sealed record ClusterView(int ActiveSilos, IReadOnlyList<SiloView> Silos, GatewaysView Gateways);

public static class ClusterApi
{
    public static void MapCluster(this RouteGroupBuilder api)
    {
        api.MapGet("/cluster", GetCluster)
            .WithTags("Operations")
            .RequireAuthorization(Policies.Cluster)
            .WithName("GetCluster")
            .WithSummary("Describe the cluster's silos and this process's gateways")
            .WithDescription("Operators only. The silos of the membership table (dead ones only with includeDead=true) with their status, start time and activations by grain type from Orleans' management grain, and this API process's view of the gateways: the list its cluster client refreshes and how many it is connected to.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    public static async Task<Ok<ClusterView>> GetCluster(bool? includeDead, IClusterOverviewQuery cluster, CancellationToken cancellationToken)
    {
        var overview = await cluster.GetAsync(includeDead ?? false, cancellationToken);
        var silos = overview.Silos
            .Select(s => new SiloView(
                s.Address, s.Name, s.HostName, s.Status, s.GatewayPort, s.StartedAt, s.IAmAliveAt,
                s.Activations.Sum(a => a.Count),
                s.Activations.Select(a => new GrainActivationsView(a.GrainType, a.Count)).ToArray()))
            .ToArray();
        return TypedResults.Ok(new ClusterView(
            silos.Count(s => s.Status == "Active"),
            silos,
            new GatewaysView(overview.Gateways.Mode, overview.Gateways.Known, overview.Gateways.Connected)));
    }
}
