using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Territory;

/// <summary>
/// The retirement of one territory node (keyed by its code): marks the node retired, then moves its open cases and
/// households to the grids that hold their points now, or to the successor. It persists its progress and resumes on a
/// reminder after a crash; a repeated start with the same successor answers the retirement as it stands.
/// </summary>
[Alias("gridgov.retirement")]
public interface IRetirementGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Starts (or, for the same successor, continues) the retirement; answers its status.</summary>
    [Alias("start")]
    Task<RetirementStatus> StartAsync(string? successor, string actor);

    /// <summary>The retirement's status; null when the node was never retired.</summary>
    [ReadOnly, Alias("get")]
    Task<RetirementStatus?> GetAsync();
}
