using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Cases;

/// <summary>
/// The open cases of a territory node and everything under it (keyed by the node's code), gathered from the live views
/// of its grids. A stateless worker: the walk down the tree is a workflow across grains, so a grain owns it, not the
/// handler that asks.
/// </summary>
[Alias("gridgov.open-cases")]
public interface IOpenCasesGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>The open cases under the node, in report order; null when the node does not exist.</summary>
    [ReadOnly, Alias("get")]
    Task<IReadOnlyList<OpenCase>?> GetAsync();
}
