using GridGov.Contracts.Cases;
using GridGov.Contracts.Police;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Cases;

/// <summary>
/// Police-grid integration (警网融合): a public-security case gets the community police officer of the police area
/// holding its point (or linked to its grid when it has no point) co-assigned on dispatch, next to its assignee.
/// </summary>
internal sealed partial class CaseGrain
{
    private async Task<CaseSnapshot> CoAssignPoliceAsync(CaseSnapshot dispatched)
    {
        var category = await categories.GetAsync(GrainFactory, DistrictCode.Of(Id), dispatched.Category);
        if (category?.Class != CategoryClass.PublicSecurity)
        {
            return dispatched;
        }

        // No area found (none drawn there yet) leaves what the case had, e.g. the area the police reported it with.
        return await PoliceAreaOfAsync(GrainFactory, Id, dispatched.Lat, dispatched.Lon, dispatched.GridCode) is { } area
            ? WithPolice(dispatched, area)
            : dispatched;
    }

    /// <summary>The police area of a case: the one holding its point, or linked to its grid.</summary>
    internal static Task<PoliceAreaRef?> PoliceAreaOfAsync(IGrainFactory grains, string caseId, double? lat, double? lon, string gridCode) =>
        grains.GetGrain<IPoliceAreasGrain>(0).FindAsync(DistrictCode.Of(caseId), lat, lon, gridCode);

    internal static CaseSnapshot WithPolice(CaseSnapshot c, PoliceAreaRef area) => c with
    {
        PoliceArea = area.Code,
        PoliceOfficer = area.OfficerName is { } name ? new CasePoliceOfficer(name, area.OfficerPhoneMasked) : null,
    };
}
