using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.ServicePoints;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.ServicePoints;

[GenerateSerializer, Alias("gridgov.service-point-state")]
internal sealed class ServicePointState
{
    [Id(0)] public ServicePointSnapshot? Point { get; set; }
}

/// <summary>
/// A service point: checks and places it (the grid by locate), writes its state, then its read-model row. A PUT that
/// changes nothing rewrites the row without a new version, so repeating a PUT whose row write failed repairs the row.
/// </summary>
internal sealed class ServicePointGrain(
    [PersistentState("service-point", ProviderNames.MainStorage)] IPersistentState<ServicePointState> state,
    IServicePointReadModel readModel,
    TimeProvider time) : Grain, IServicePointGrain
{
    private string Id => this.GetPrimaryKeyString();

    async Task<ServicePointPutResult> IServicePointGrain.PutAsync(ServicePointUpsert point, long? expectedVersion)
    {
        var valid = ServicePointRules.Check(point);
        var current = state.State.Point;
        if (expectedVersion is { } expected && expected != (current?.Version ?? 0))
        {
            throw DomainException.Stale(expected, current?.Version ?? 0);
        }

        if (current is not null && ServicePointRules.SameFields(current, valid))
        {
            await readModel.UpsertAsync(current, CancellationToken.None);
            return new ServicePointPutResult(false, current);
        }

        var district = DistrictCode.Of(Id);
        var located = await GrainFactory.GetGrain<ILocatorGrain>(0).LocateAsync(valid.Lat, valid.Lon, district);
        if (located.Grid is null && located.Fallback is null)
        {
            throw DomainException.Invalid("lat", $"The point ({valid.Lat}, {valid.Lon}) lies outside the territory of district {district}.");
        }

        state.State.Point = new ServicePointSnapshot(
            Id, valid.Kind, valid.Name, valid.Lat, valid.Lon, valid.Address, valid.Hours,
            located.Grid?.Code, located.MicroGrid?.Code, (current?.Version ?? 0) + 1, time.GetUtcNow());
        await state.WriteStateAsync();
        await readModel.UpsertAsync(state.State.Point, CancellationToken.None);
        return new ServicePointPutResult(current is null, state.State.Point);
    }

    Task<ServicePointSnapshot?> IServicePointGrain.GetAsync() => Task.FromResult(state.State.Point);

    async Task IServicePointGrain.DeleteAsync(long? expectedVersion)
    {
        var current = state.State.Point ?? throw DomainException.NotFound($"Service point {Id} does not exist.");
        if (expectedVersion is { } expected && expected != current.Version)
        {
            throw DomainException.Stale(expected, current.Version);
        }

        // The row first: a deletion that fails after it leaves the point, whose repeated DELETE (or PUT) finishes or
        // repairs it; the other order could leave a row that no grain would ever remove.
        await readModel.RemoveAsync(Id, CancellationToken.None);
        await state.ClearStateAsync();
    }
}
