using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.People;

[GenerateSerializer, Alias("gridgov.party-organization-state")]
internal sealed class PartyOrganizationState : IDeletableState
{
    [Id(0)] public PartyOrganizationSnapshot? Organization { get; set; }

    /// <summary>Counts every write (children and members included), for the read model; the snapshot's version does not.</summary>
    [Id(1)] public long Revision { get; set; }

    /// <summary>Set once a deletion is decided; the organization is gone for readers from then on.</summary>
    [Id(2)] public PendingDeletion? Deletion { get; set; }
}

/// <summary>
/// A Party organization built on grids: a committee (党委/党总支) holds branches (党支部), a branch holds groups (党小组), a
/// group holds nothing. Branches and committees sit on a Party-building grid; a group on one, or on a comprehensive grid.
/// It is the arbiter of its children and members: a child is adopted before it is first written, a member enrolls before
/// it records the organization, and both are refused once the organization is deleted, so a deletion (refused while
/// either list holds someone) never leaves anyone pointing at it. Its version counts changes of its own fields (what a
/// PUT writes), not of its children or members, so an ETag a client holds stays good while the tree grows beneath.
/// </summary>
internal sealed class PartyOrganizationGrain(
    [PersistentState("party-organization", ProviderNames.MainStorage)] IPersistentState<PartyOrganizationState> state,
    IPeopleReadModel readModel,
    TimeProvider time)
    : Grain, IPartyOrganizationGrain
{
    /// <summary>The parent this organization is being adopted by and has not recorded yet (it counts as its child there).</summary>
    private string? _adopting;

    private string Id => this.GetPrimaryKeyString();

    /// <summary>The organization as readers see it: none once its deletion is decided.</summary>
    private PartyOrganizationSnapshot? Live => state.State.Deletion is null ? state.State.Organization : null;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Organization is { Members: null } legacy)
        {
            state.State.Organization = legacy with { Members = [] };
        }

        await SettleAsync();
    }

    async Task<Saved<PartyOrganizationSnapshot>> IPartyOrganizationGrain.PutAsync(OrganizationKind kind, string name, string? parentId, string? partyGridId, string? gridCode, long? expectedVersion)
    {
        if (!PeopleIds.IsValid(Id, "PO"))
        {
            throw DomainException.Invalid("id", $"'{Id}' is not a Party organization id of the form {{district}}-PO{{n}}.");
        }

        await SettleAsync();
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

        var district = DistrictCode.Of(Id);
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
            var parent = PeopleIds.IsValid(parentId, "PO") && DistrictCode.Of(parentId) == district
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

        var next = new PartyOrganizationSnapshot(
            Id, kind, name.Trim(), parentId, partyGridId, gridCode, existing?.Children ?? [], (existing?.Version ?? 0) + 1, existing?.Members ?? []);
        if (existing is not null && existing with { Version = 0 } == next with { Version = 0 })
        {
            return new(existing, SaveOutcome.Unchanged);
        }

        if (parentId is null || existing is not null)
        {
            return new(await CommitAsync(next), existing is null ? SaveOutcome.Created : SaveOutcome.Updated);
        }

        try
        {
            _adopting = parentId;
            await GrainFactory.GetGrain<IPartyOrganizationGrain>(parentId).AdoptAsync(Id, kind);
            return new(await CommitAsync(next), SaveOutcome.Created);
        }
        finally
        {
            _adopting = null;
        }
    }

    Task<PartyOrganizationSnapshot?> IPartyOrganizationGrain.GetAsync() => Task.FromResult(Live);

    /// <summary>The organization keeps its mobile members as members; which of them are away is the read model's to list.</summary>
    async Task<IReadOnlyList<PartyMemberSnapshot>?> IPartyOrganizationGrain.ListMobileMembersAsync(string? after, int limit) =>
        Live is null ? null : await readModel.ListMobileMembersAsync(Id, after, limit, CancellationToken.None);

    async Task IPartyOrganizationGrain.AdoptAsync(string childId, OrganizationKind childKind)
    {
        await SettleAsync();
        var current = Live ?? throw DomainException.Invalid("parentId", $"Party organization {Id} does not exist.");
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

        if (!current.Children.Contains(childId))
        {
            await CommitAsync(current with { Children = current.Children.Append(childId).ToArray() });
        }
    }

    async Task IPartyOrganizationGrain.DisownAsync(string childId)
    {
        await SettleAsync();
        if (Live is { } current && current.Children.Contains(childId))
        {
            await CommitAsync(current with { Children = current.Children.Where(c => c != childId).ToArray() });
        }
    }

    async Task IPartyOrganizationGrain.EnrollAsync(string memberId)
    {
        await SettleAsync();
        var current = Live ?? throw DomainException.Invalid("organizationId", $"Party organization {Id} does not exist in district {DistrictCode.Of(Id)}.");
        if (!current.Members.Contains(memberId))
        {
            await CommitAsync(current with { Members = current.Members.Append(memberId).ToArray() });
        }
    }

    async Task IPartyOrganizationGrain.LeaveAsync(string memberId)
    {
        await SettleAsync();
        if (Live is { } current && current.Members.Contains(memberId))
        {
            await CommitAsync(current with { Members = current.Members.Where(m => m != memberId).ToArray() });
        }
    }

    Task<bool> IPartyOrganizationGrain.IsChildOfAsync(string parentId) =>
        Task.FromResult(state.State.Organization?.ParentId == parentId || _adopting == parentId);

    async Task IPartyOrganizationGrain.DeleteAsync(string actor, long? expectedVersion)
    {
        var current = state.State.Organization ?? throw DomainException.NotFound($"Party organization {Id} does not exist.");

        // Once decided, a deletion is only finished: a repeated DELETE completes it whatever its If-Match.
        if (state.State.Deletion is null)
        {
            if (expectedVersion is { } expected && expected != current.Version)
            {
                throw DomainException.Stale(expected, current.Version);
            }

            // An entry whose own side no longer names this organization (its write failed after it was listed, or it
            // left and has not said so yet) is not holding it back. This grain takes no call meanwhile, so nobody
            // joins between the check and the decision.
            var children = await StillAsync(current.Children, c => GrainFactory.GetGrain<IPartyOrganizationGrain>(c).IsChildOfAsync(Id));
            var members = await StillAsync(current.Members, m => GrainFactory.GetGrain<IPartyMemberGrain>(m).IsMemberOfAsync(Id));
            if (children.Count > 0 || members.Count > 0)
            {
                throw DomainException.Conflict(
                    $"Party organization {Id} still has {children.Count} child organization(s){Sample(children)} and {members.Count} member(s){Sample(members)}; " +
                    "delete the children and transfer the members first.");
            }

            await state.DecideDeletionAsync(time.GetUtcNow(), actor);
        }

        await FinishDeletionAsync();
    }

    /// <summary>Finishes a deletion that an earlier call or a crash left undone.</summary>
    private async Task SettleAsync()
    {
        if (state.State.Deletion is not null)
        {
            await FinishDeletionAsync();
        }
    }

    /// <summary>The steps of a decided deletion, each idempotent: the parent forgets it, the archive and the read model, the state is cleared.</summary>
    private async Task FinishDeletionAsync()
    {
        try
        {
            var organization = state.State.Organization!;
            var deletion = state.State.Deletion!;
            if (organization.ParentId is { } parentId)
            {
                await GrainFactory.GetGrain<IPartyOrganizationGrain>(parentId).DisownAsync(Id);
            }

            await readModel.RemoveAsync(
                new RegistryDeletion(RegistryKind.PartyOrganization, Id, deletion.At, deletion.Actor, organization.Version, organization with { Children = [], Members = [] }),
                CancellationToken.None);
            await state.ClearStateAsync();
        }
        catch
        {
            // The next call, or a GET, activates afresh and finishes from the stored decision.
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task<PartyOrganizationSnapshot> CommitAsync(PartyOrganizationSnapshot next)
    {
        state.State.Organization = next;
        state.State.Revision = Math.Max(state.State.Revision, next.Version) + 1;
        await state.WriteStateAsync();
        await readModel.UpsertOrganizationAsync(next, state.State.Revision, CancellationToken.None);
        return next;
    }

    /// <summary>The ids whose own side confirms them, asked 32 at a time.</summary>
    private static async Task<List<string>> StillAsync(IReadOnlyList<string> ids, Func<string, Task<bool>> confirms)
    {
        var kept = new List<string>();
        foreach (var chunk in ids.Chunk(32))
        {
            var answers = await Task.WhenAll(chunk.Select(confirms));
            kept.AddRange(chunk.Where((_, i) => answers[i]));
        }

        return kept;
    }

    private static string Sample(List<string> ids) =>
        ids.Count == 0 ? "" : $" ({string.Join(", ", ids.Take(5))}{(ids.Count > 5 ? ", …" : "")})";

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

        if (partyGridId is not null && (!PartyGridId.IsValid(partyGridId) || DistrictCode.Of(partyGridId) != district
            || await GrainFactory.GetGrain<IPartyGridGrain>(partyGridId).GetAsync() is null))
        {
            throw DomainException.Invalid("partyGridId", $"Party-building grid {partyGridId} does not exist in district {district}.");
        }

        if (gridCode is not null && (!TerritoryCode.IsValid(gridCode) || TerritoryCode.LevelOf(gridCode) != TerritoryLevel.Grid
            || DistrictCode.Of(gridCode) != district || await GrainFactory.GetGrain<ITerritoryGrain>(gridCode).GetAsync() is null))
        {
            throw DomainException.Invalid("gridCode", $"Grid {gridCode} does not exist in district {district}.");
        }
    }
}
