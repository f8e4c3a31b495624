using GridGov.Contracts.Common;
using GridGov.Contracts.Patrols;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Cases;

/// <summary>A case reported on a patrol carries it: only the reporting worker's own open patrol, in the case's district.</summary>
internal sealed partial class CaseIntakeGrain
{
    private async Task CheckPatrolAsync(string patrolId, string caseDistrict)
    {
        var staffId = CallerContext.Current()?.Caller.StaffId;
        if (!PatrolIds.IsValid(patrolId) || DistrictCode.Of(patrolId) != caseDistrict || staffId is null
            || await GrainFactory.GetGrain<IPatrolGrain>(patrolId).GetAsync() is not { Open: true } patrol
            || patrol.Worker != staffId)
        {
            throw DomainException.Invalid("patrolId", $"'{patrolId}' is not an open patrol of yours in the case's district.");
        }
    }
}
