using GridGov.Contracts.Common;
using Orleans.Concurrency;

namespace GridGov.Grains.Common;

[StatelessWorker]
internal sealed class HealthGrain : Grain, IHealthGrain
{
    Task<string> IHealthGrain.PingAsync() => Task.FromResult(RuntimeIdentity);
}
