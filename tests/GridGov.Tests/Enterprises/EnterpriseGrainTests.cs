using GridGov.Contracts.Common;
using GridGov.Contracts.Enterprises;
using GridGov.Contracts.Security;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Enterprises;

/// <summary>The cluster's own tenancy check on enterprises, behind the API's: the grain's key begins with its district.</summary>
[Collection(GridClusterCollection.Name)]
public sealed class EnterpriseGrainTests(GridClusterFixture fixture)
{
    [Fact]
    public async Task A_caller_of_another_district_finds_no_enterprise_there()
    {
        var d = Fresh.District();
        var enterprise = fixture.Grains.GetGrain<IEnterpriseGrain>($"{d}-{CreditCodeTests.Worked}");
        TestCallers.Enter(new CallerContext("admin", Roles.DistrictAdmin, Fresh.District()));
        Assert.Equal(DomainErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => enterprise.GetAsync())).Kind);
        var put = await Assert.ThrowsAsync<DomainException>(() =>
            enterprise.PutAsync(new EnterpriseProfile("Intruder", "x", 0, 0, "x", 1, null, null, null, null), "admin", null));
        Assert.Equal(DomainErrorKind.NotFound, put.Kind);

        TestCallers.Enter(new CallerContext("admin", Roles.DistrictAdmin, d));
        Assert.Null(await enterprise.GetAsync());
    }
}
