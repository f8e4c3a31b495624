using GridGov.Contracts.Common;
using GridGov.Contracts.Security;
using GridGov.Contracts.ServicePoints;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.ServicePoints;

/// <summary>The cluster's own tenancy check covers the service-point grains, behind the API's.</summary>
[Collection(GridClusterCollection.Name)]
public sealed class ServicePointGrainTests(GridClusterFixture fixture)
{
    [Fact]
    public async Task A_caller_of_another_district_finds_nothing_there()
    {
        var d = Fresh.District();
        TestCallers.Enter(new CallerContext("admin", Roles.DistrictAdmin, Fresh.District()));
        var grains = fixture.Grains;
        foreach (var call in new Func<Task>[]
        {
            () => grains.GetGrain<IServicePointGrain>($"{d}-SP1").GetAsync(),
            () => grains.GetGrain<IServicePointDirectoryGrain>(d).NearAsync(10, 10, 15, null),
            () => grains.GetGrain<IServicePointDirectoryGrain>(d).ListAsync(null, null, 10),
            () => grains.GetGrain<IServiceCoverageGrain>($"{d}001001").GetAsync([], 15),
        })
        {
            var refused = await Assert.ThrowsAsync<DomainException>(call);
            Assert.Equal(DomainErrorKind.NotFound, refused.Kind);
        }

        TestCallers.Enter(new CallerContext("admin", Roles.DistrictAdmin, d));
        Assert.Null(await grains.GetGrain<IServicePointGrain>($"{d}-SP1").GetAsync());
        Assert.Empty(await grains.GetGrain<IServicePointDirectoryGrain>(d).NearAsync(10, 10, 15, null));
    }
}
