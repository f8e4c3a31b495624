using GridGov.Contracts.Common;
using GridGov.Contracts.Enterprises;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Cases;

/// <summary>The enterprise a report names: one of the case's district that exists, or the report is refused (400 naming enterpriseId).</summary>
internal static class CaseEnterprise
{
    public static async Task<string?> CheckAsync(string? enterpriseId, string district, IGrainFactory grains)
    {
        if (enterpriseId is null)
        {
            return null;
        }

        if (!EnterpriseIds.IsValid(enterpriseId) || DistrictCode.Of(enterpriseId) != district
            || await grains.GetGrain<IEnterpriseGrain>(enterpriseId).GetAsync() is null)
        {
            throw DomainException.Invalid("enterpriseId", $"'{enterpriseId}' is not an enterprise of district {district}.");
        }

        return enterpriseId;
    }
}
