using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Decisions;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Cases;

/// <summary>
/// Dispatch: the assignee must exist — a staff member of the case's node or of one of its ancestors, or a department
/// registered in the district (<c>department:{code}</c>). Without one, the chief of the case's node takes it (the
/// micro-grid chief for a micro-grid, the grid chief otherwise). The check is the case's own: the handler makes one call.
/// </summary>
internal sealed partial class CaseGrain
{
    private async Task<CaseSnapshot> DispatchAsync(CaseSnapshot current, CaseAction action, DateTimeOffset now)
    {
        var assignee = await AssigneeAsync(current, action.Assignee?.Trim());
        if (current.State is CaseState.Dispatched or CaseState.InProgress)
        {
            // Re-dispatch to another handler (a supervisor's reassignment, also from an escalated level) keeps the clock
            // running; the new handler accepts it anew.
            return current with { State = CaseState.Dispatched, Assignee = assignee };
        }

        var category = await categories.GetAsync(GrainFactory, DistrictCode.Of(Id), current.Category)
            ?? throw DomainException.Conflict($"The category {current.Category} no longer exists in the catalogue.");
        return current with
        {
            State = CaseState.Dispatched,
            Assignee = assignee,
            DispatchedAt = now,
            Deadline = now + category.TimeLimit,
            RespondBy = now + category.ResponseLimit,
            AcceptedAt = null,
            Warned = false,
            Overdue = false,
        };
    }

    /// <summary>The assignee as it will be stored: checked to exist, or the node's chief when none is named.</summary>
    private async Task<string> AssigneeAsync(CaseSnapshot current, string? named)
    {
        if (string.IsNullOrEmpty(named))
        {
            var role = TerritoryCode.LevelOf(current.GridCode) == TerritoryLevel.MicroGrid ? StaffRole.MicroGridChief : StaffRole.GridChief;
            var node = await GrainFactory.GetGrain<ITerritoryGrain>(current.GridCode).GetAsync();
            return node?.Staff.FirstOrDefault(s => s.Role == role)?.Id
                ?? throw DomainException.Invalid("assignee", $"Name an assignee: territory {current.GridCode} has no {(role == StaffRole.MicroGridChief ? "micro-grid chief" : "grid chief")} to take the case by default.");
        }

        if (Assignees.DepartmentOf(named) is { } department)
        {
            var district = DistrictCode.Of(Id);
            if (!Assignees.IsDepartmentCode(department)
                || await GrainFactory.GetGrain<IDepartmentRegistryGrain>(district).GetAsync(department) is null)
            {
                throw DomainException.Invalid("assignee", $"'{named}' is not a department registered in district {district} (GET /api/v1/districts/{district}/departments).");
            }

            return named;
        }

        // The case's node and its ancestors, asked together: a handful of grains, each answering from memory.
        var nodes = await Task.WhenAll(TerritoryCode.AncestorsOf(current.GridCode).Append(current.GridCode)
            .Select(code => GrainFactory.GetGrain<ITerritoryGrain>(code).GetAsync()));
        if (!nodes.Any(n => n is not null && n.Staff.Any(s => s.Id == named)) && !await IsVillageCadreAsync(current.GridCode, named))
        {
            throw DomainException.Invalid("assignee", $"'{named}' is neither a staff member of territory {current.GridCode} or its ancestors, nor a cadre sent down to its village, nor department:{{code}} of a registered department.");
        }

        return named;
    }

    /// <summary>
    /// A cadre sent down to the village the case is in (第一书记, 驻村工作队) handles its cases while their term runs;
    /// asked only when the assignee is not staff of the case's nodes, so ordinary dispatch pays nothing for it.
    /// </summary>
    private async Task<bool> IsVillageCadreAsync(string gridCode, string staffId)
    {
        var community = TerritoryCode.AncestorsOf(gridCode).Append(gridCode).FirstOrDefault(c => TerritoryCode.LevelOf(c) == TerritoryLevel.Community);
        return community is not null
            && await GrainFactory.GetGrain<IVillageGrain>(community).IsServingCadreAsync(staffId, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
    }
}
