namespace GridGov.Contracts.Operations;

/// <summary>
/// Where the silos' per-type activation balancer (<c>Hosting/Operations/ActivationBalancer</c>) meets: every silo
/// reports its own activation counts of the balanced grain types each interval, and the answer is what that silo
/// should move now. One grain holds the latest report of every silo, so one snapshot makes one plan for all of them.
/// </summary>
[Alias("gridgov.activation-balance")]
public interface IActivationBalanceGrain : IGrainWithIntegerKey
{
    [Alias("report")]
    Task<IReadOnlyList<ActivationMove>> ReportAsync(ActivationReport report);
}

/// <summary>
/// A silo's activations of each balanced kind (e.g. <c>grids</c>, <c>cases</c>), how often it reports, and the silos
/// it sees active: a plan covers exactly those, and waits until each of them has reported.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.activation-report")]
public sealed record ActivationReport(
    [property: Id(0)] SiloAddress Silo,
    [property: Id(1)] IReadOnlyDictionary<string, int> Counts,
    [property: Id(2)] TimeSpan Interval,
    [property: Id(3)] IReadOnlyList<SiloAddress> Active);

/// <summary>Move <paramref name="Count"/> activations of <paramref name="Kind"/> to the silo <paramref name="To"/>.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.activation-move")]
public sealed record ActivationMove(
    [property: Id(0)] string Kind,
    [property: Id(1)] SiloAddress To,
    [property: Id(2)] int Count);
