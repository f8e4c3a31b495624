using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Cases;

/// <summary>
/// Escalation (上报): one level up from where the case is handled, by hand (<c>escalate</c>) or when its time limit
/// passes (<c>overdue</c>). The event that raises the level names the supervisors of the node it reaches.
/// </summary>
internal sealed partial class CaseGrain
{
    private static CaseSnapshot Escalate(CaseSnapshot current, DateTimeOffset now)
    {
        if (current.HandledAt <= TerritoryLevel.District)
        {
            throw DomainException.Conflict("The case is already handled at the district level; it cannot be escalated further.");
        }

        // A micro-grid or grid escalates to its community; then the street; then the district.
        var next = current.HandledAt >= TerritoryLevel.Grid ? TerritoryLevel.Community : current.HandledAt - 1;
        return current with { HandledAt = next, EscalatedAt = now };
    }

    /// <summary>The node a case is handled at: its own node, or the ancestor at the level it was escalated to.</summary>
    public static string HandlingNode(CaseSnapshot c) =>
        c.HandledAt < TerritoryCode.LevelOf(c.GridCode) ? TerritoryCode.AncestorsOf(c.GridCode)[(int)c.HandledAt] : c.GridCode;

    /// <summary>The staff of the node the case is handled at with the supervising role (one call to that node's grain).</summary>
    private async Task<IReadOnlyList<CaseSupervisor>> SupervisorsAsync(CaseSnapshot escalated)
    {
        var node = await GrainFactory.GetGrain<ITerritoryGrain>(HandlingNode(escalated)).GetAsync();
        return node?.Staff.Where(s => s.Role == StaffRole.Supervisor).Select(s => new CaseSupervisor(s.Id, s.Name)).ToArray() ?? [];
    }
}
