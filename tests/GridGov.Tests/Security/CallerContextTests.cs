using GridGov.Contracts.Common;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Security;

/// <summary>The cluster checks the caller itself: a bug in an endpoint is not enough to cross districts.</summary>
[Collection(GridClusterCollection.Name)]
public sealed class CallerContextTests(GridClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    private async Task<string> SeedDistrictAsync()
    {
        var d = Fresh.District();
        TestCallers.EnterOperator();
        await _grains.GetGrain<ITerritoryGrain>(d).UpsertAsync(new TerritoryUpsert("District", null, []), null, false);
        return d;
    }

    [Fact]
    public async Task A_call_without_a_caller_is_refused()
    {
        var d = await SeedDistrictAsync();
        CallerContext.Clear();
        await Assert.ThrowsAsync<UnauthorizedCallException>(() => _grains.GetGrain<ITerritoryGrain>(d).GetAsync());
    }

    [Fact]
    public async Task A_forged_caller_is_refused()
    {
        var d = await SeedDistrictAsync();
        new CallerContext("intruder", Roles.Operator, Scopes.All).Enter(new CallerSigner(new byte[32]));
        await Assert.ThrowsAsync<UnauthorizedCallException>(() => _grains.GetGrain<ITerritoryGrain>(d).GetAsync());

        // A genuine signature over other values does not make a tampered scope valid either.
        TestCallers.Enter(new CallerContext("admin", Roles.DistrictAdmin, Fresh.District()));
        RequestContext.Set("gg.scope", Scopes.All);
        await Assert.ThrowsAsync<UnauthorizedCallException>(() => _grains.GetGrain<ITerritoryGrain>(d).GetAsync());
    }

    [Fact]
    public async Task A_caller_of_another_district_finds_nothing_there()
    {
        var d = await SeedDistrictAsync();
        TestCallers.Enter(new CallerContext("admin", Roles.DistrictAdmin, Fresh.District()));
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            _grains.GetGrain<ITerritoryGrain>(d).UpsertAsync(new TerritoryUpsert("Taken over", null, []), null, false));
        Assert.Equal(DomainErrorKind.NotFound, refused.Kind);

        TestCallers.Enter(new CallerContext("admin", Roles.DistrictAdmin, d));
        Assert.Equal("District", (await _grains.GetGrain<ITerritoryGrain>(d).GetAsync())!.Name);
    }

    [Fact]
    public async Task The_caller_follows_calls_from_grain_to_grain()
    {
        // A Party-building grid of district A may not claim a grid of district B: the claim is a grain-to-grain call
        // that carries A's caller, and B's grid refuses it.
        var a = await SeedDistrictAsync();
        TestCallers.Enter(new CallerContext("admin", Roles.DistrictAdmin, a));
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            _grains.GetGrain<ILocatorGrain>(0).LocateAsync(10, 10, Fresh.District()));
        Assert.Equal(DomainErrorKind.NotFound, refused.Kind);
    }
}
