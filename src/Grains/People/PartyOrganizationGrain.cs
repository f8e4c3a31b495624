using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.People;

[GenerateSerializer, Alias("gridgov.party-organization-state")]
internal sealed class PartyOrganizationState
{
    [Id(0)] public PartyOrganizationSnapshot? Organization { get; set; }
}

/// <summary>
/// A Party organization built on grids: a committee (党委/党总支) holds branches (党支部), a branch holds groups (党小组), a
/// group holds nothing. Branches and committees sit on a Party-building grid; a group on one, or on a comprehensive grid.
/// </summary>
internal sealed class PartyOrganizationGrain(
    [PersistentState("party-organization", ProviderNames.MainStorage)] IPersistentState<PartyOrganizationState> state,
    IPeopleReadModel readModel)
    : Grain, IPartyOrganizationGrain
{
    private string Id => this.GetPrimaryKeyString();

    async Task<PartyOrganizationSnapshot> IPartyOrganizationGrain.PutAsync(OrganizationKind kind, string name, string? parentId, string? partyGridId, string? gridCode, long? expectedVersion)
    {
        if (!PeopleIds.IsValid(Id, "PO"))
        {
            throw DomainException.Invalid("id", $"'{Id}' is not a Party organization id of the form {{district}}-PO{{n}}.");
        }

        var existing = state.State.Organization;
        if (expectedVersion is { } expected && expected != (existing?.Version ?? 0))
        {
            throw DomainException.Stale(expected, existing?.Version ?? 0);
        }

        Validation.Text(name, "name", 100);
        if (existing is not null && (existing.Kind != kind || existing.ParentId != parentId))
        {
            throw DomainException.Conflict("An organization keeps its kind and its parent; create a new one to restructure.", "parentId");
        }

        var district = Id[..6];
        var (expectedParent, parentRule) = kind switch
        {
            OrganizationKind.Committee => ((OrganizationKind?)null, "A committee is at the top of its tree: it has no parent."),
            OrganizationKind.Branch => (OrganizationKind.Committee, "A branch hangs under a committee (never under a group)."),
            _ => (OrganizationKind.Branch, "A group hangs under a branch."),
        };
        if (expectedParent is null && parentId is not null || expectedParent is not null && kind == OrganizationKind.Group && parentId is null)
        {
            throw DomainException.Invalid("parentId", parentRule);
        }

        if (parentId is not null)
        {
            var parent = PeopleIds.IsValid(parentId, "PO") && parentId[..6] == district
                ? await GrainFactory.GetGrain<IPartyOrganizationGrain>(parentId).GetAsync()
                : null;
            if (parent is null)
            {
                throw DomainException.Invalid("parentId", $"Party organization {parentId} does not exist in district {district}.");
            }

            if (parent.Kind != expectedParent)
            {
                throw DomainException.Invalid("parentId", parentRule);
            }
        }

        await ValidateAttachmentAsync(kind, partyGridId, gridCode, district);

        var next = new PartyOrganizationSnapshot(Id, kind, name.Trim(), parentId, partyGridId, gridCode, existing?.Children ?? [], (existing?.Version ?? 0) + 1);
        if (existing is not null && existing with { Version = 0 } == next with { Version = 0 })
        {
            return existing;
        }

        if (parentId is not null && existing is null)
        {
            await GrainFactory.GetGrain<IPartyOrganizationGrain>(parentId).AdoptAsync(Id, kind);
        }

        state.State.Organization = next;
        await state.WriteStateAsync();
        await readModel.UpsertOrganizationAsync(next, CancellationToken.None);
        return next;
    }

    Task<PartyOrganizationSnapshot?> IPartyOrganizationGrain.GetAsync() => Task.FromResult(state.State.Organization);

    async Task IPartyOrganizationGrain.AdoptAsync(string childId, OrganizationKind childKind)
    {
        var current = state.State.Organization ?? throw DomainException.Invalid("parentId", $"Party organization {Id} does not exist.");
        var allowed = current.Kind switch
        {
            OrganizationKind.Committee => childKind == OrganizationKind.Branch,
            OrganizationKind.Branch => childKind == OrganizationKind.Group,
            _ => false,
        };
        if (!allowed)
        {
            throw DomainException.Invalid("parentId", $"A {current.Kind.ToString().ToLowerInvariant()} cannot hold a {childKind.ToString().ToLowerInvariant()}.");
        }

        if (current.Children.Contains(childId))
        {
            return;
        }

        state.State.Organization = current with { Children = [.. current.Children, childId], Version = current.Version + 1 };
        await state.WriteStateAsync();
        await readModel.UpsertOrganizationAsync(state.State.Organization, CancellationToken.None);
    }

    private async Task ValidateAttachmentAsync(OrganizationKind kind, string? partyGridId, string? gridCode, string district)
    {
        if (gridCode is not null && kind != OrganizationKind.Group)
        {
            throw DomainException.Invalid("gridCode", "Only a group may sit on a comprehensive grid; committees and branches sit on Party-building grids.");
        }

        if (kind == OrganizationKind.Branch && partyGridId is null)
        {
            throw DomainException.Invalid("partyGridId", "A branch is built on a Party-building grid.");
        }

        if (kind == OrganizationKind.Group && partyGridId is null && gridCode is null)
        {
            throw DomainException.Invalid("partyGridId", "A group is built on a Party-building grid or a comprehensive grid.");
        }

        if (partyGridId is not null && (!PartyGridId.IsValid(partyGridId) || partyGridId[..6] != district
            || await GrainFactory.GetGrain<IPartyGridGrain>(partyGridId).GetAsync() is null))
        {
            throw DomainException.Invalid("partyGridId", $"Party-building grid {partyGridId} does not exist in district {district}.");
        }

        if (gridCode is not null && (!TerritoryCode.IsValid(gridCode) || TerritoryCode.LevelOf(gridCode) != TerritoryLevel.Grid
            || TerritoryCode.DistrictOf(gridCode) != district || await GrainFactory.GetGrain<ITerritoryGrain>(gridCode).GetAsync() is null))
        {
            throw DomainException.Invalid("gridCode", $"Grid {gridCode} does not exist in district {district}.");
        }
    }
}
