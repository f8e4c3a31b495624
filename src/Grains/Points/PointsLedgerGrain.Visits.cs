using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Points;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Points;

/// <summary>Care visits: recorded by the visiting member's ledger, which pays them in the same state write.</summary>
internal sealed partial class PointsLedgerGrain
{
    private const int MaxVisits = 20_000;

    Task<CareVisitResult> IPointsLedgerGrain.VisitAsync(string householdId, DateOnly date, string? note, string actor) =>
        VisitAsync(householdId, date, note, actor, null);

    Task<CareVisitResult> IPointsLedgerGrain.VisitOnPatrolAsync(string householdId, DateOnly date, string? note, string actor, string patrolId)
    {
        // A patrol's retried visit finds the one recorded first: the same household is visited once per patrol.
        if (state.State.Visits.FindLast(v => v.PatrolId == patrolId && v.HouseholdId == householdId) is { } recorded)
        {
            var source = $"visit:{recorded.Id}";
            return Task.FromResult(new CareVisitResult(recorded, state.State.Entries.Where(e => e.Source == source).ToArray()));
        }

        return VisitAsync(householdId, date, note, actor, patrolId);
    }

    private async Task<CareVisitResult> VisitAsync(string householdId, DateOnly date, string? note, string actor, string? patrolId)
    {
        if (!PeopleIds.IsValid(Id, "M"))
        {
            throw DomainException.Invalid("id", $"'{Id}' is not a Party member id of the form {{district}}-M{{id}}.");
        }

        var today = PointPeriods.DayOf(time.GetUtcNow());
        if (date > today || date < today.AddYears(-1))
        {
            throw DomainException.Invalid("date", "A visit's date is within the last year, and not after today.");
        }

        if (note is not null && note.Trim().Length > 1000)
        {
            throw DomainException.Invalid("note", "note is at most 1000 characters.");
        }

        if (state.State.Visits.Count >= MaxVisits)
        {
            throw DomainException.Conflict($"Party member {Id} has {MaxVisits} visits recorded, the most a ledger keeps.");
        }

        var member = await GrainFactory.GetGrain<IPartyMemberGrain>(Id).GetAsync()
            ?? throw DomainException.NotFound($"Party member {Id} does not exist.");
        if (!member.Households.Contains(householdId))
        {
            throw DomainException.Conflict(
                $"Household {householdId} is not linked to Party member {Id}: a care visit counts to a household the member keeps in touch with (党员联系户) only.",
                "householdId");
        }

        // The household's grid, for the grid's leaderboard (read as a workflow reads it, whatever the caller's grids).
        var household = await GrainFactory.GetGrain<IHouseholdGrain>(householdId).GetAsync();
        var set = await rules.GetAsync(GrainFactory, DistrictCode.Of(Id));
        var scope = await ScopeAsync(household?.Address.GridCode);

        var visit = new CareVisit($"{Id}-V{state.State.Visits.Count + 1}", Id, householdId, date, note?.Trim(), actor, time.GetUtcNow()) { PatrolId = patrolId };
        state.State.Visits.Add(visit);
        var entries = new List<PointEntry>();
        foreach (var code in set.CodesOf(PointTrigger.CareVisit))
        {
            if (set.InForce(code, date) is null)
            {
                continue;
            }

            if (Append(new PointGrant(code, PointTrigger.CareVisit, $"visit:{visit.Id}", date, actor, null, scope.GridCode), set, scope) is { Outcome: GrantOutcome.Granted, Entry: { } entry })
            {
                entries.Add(entry);
            }
        }

        await SaveAsync();
        return new CareVisitResult(visit, entries);
    }
}
