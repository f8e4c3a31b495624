using GridGov.Contracts.Common;
using GridGov.Contracts.Patrols;
using GridGov.Contracts.People;
using GridGov.Contracts.Points;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Patrols;

/// <summary>
/// Care visits on a patrol. The patrol keeps every visit its worker made; a worker who is a Party member (the member
/// whose staff id the worker's is) visiting a household linked to them has the visit recorded by the member's ledger as
/// well, which pays the careVisit rules: the ledger stays the one store of members' visits, and names the patrol.
/// </summary>
internal sealed partial class PatrolGrain
{
    private const int MaxVisits = 500;

    async Task<PatrolVisit> IPatrolGrain.VisitAsync(string householdId, DateOnly date, string? note, string worker)
    {
        var patrol = Require(worker);
        if (patrol.Visits.FirstOrDefault(v => v.HouseholdId == householdId) is { } recorded)
        {
            return recorded;
        }

        if (!patrol.Open)
        {
            throw DomainException.Conflict($"Patrol {Id} has ended: visits are recorded during the patrol.");
        }

        var first = DateOnly.FromDateTime(patrol.StartedAt.ToOffset(Contracts.Cases.Metrics.DayOffset).DateTime);
        if (date < first || date > PointPeriods.DayOf(time.GetUtcNow()))
        {
            throw DomainException.Invalid("date", $"A visit on patrol {Id} is dated from the patrol's first day ({first:yyyy-MM-dd}) to today.");
        }

        if (note is not null && note.Trim().Length > 1000)
        {
            throw DomainException.Invalid("note", "note is at most 1000 characters.");
        }

        if (patrol.Visits.Count >= MaxVisits)
        {
            throw DomainException.Conflict($"Patrol {Id} has {MaxVisits} visits, the most a patrol keeps.");
        }

        if (!PeopleIds.IsValid(householdId, "H") || DistrictCode.Of(householdId) != District
            || await GrainFactory.GetGrain<IHouseholdGrain>(householdId).GetAsync() is null)
        {
            throw DomainException.Invalid("householdId", $"'{householdId}' is not a household of district {District}.");
        }

        string? memberId = null;
        CareVisitResult? paid = null;
        if (await GrainFactory.GetGrain<IPointsStaffIndexGrain>(District).MemberOfAsync(worker) is { } member
            && await GrainFactory.GetGrain<IPartyMemberGrain>(member).GetAsync() is { } snapshot)
        {
            memberId = member;
            if (snapshot.Households.Contains(householdId))
            {
                paid = await GrainFactory.GetGrain<IPointsLedgerGrain>(member).VisitOnPatrolAsync(householdId, date, note, worker, Id);
            }
        }

        var visit = new PatrolVisit(
            $"{Id}-V{patrol.Visits.Count + 1}", householdId, date, note?.Trim(), time.GetUtcNow(), memberId, paid?.Visit.Id,
            paid?.Entries.Sum(e => e.Points) ?? 0);
        state.State.Patrol = patrol with { Visits = [.. patrol.Visits, visit] };
        await state.WriteStateAsync();
        return visit;
    }
}
